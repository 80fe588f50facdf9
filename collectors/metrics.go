package collectors

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

const (
	// metricPeriod is the window the cost (GW113) and latency (GW114)
	// rules read, as one period: a week covers weekday and weekend traffic.
	metricPeriod = 7 * 24 * time.Hour
	// metricBatch is how many queries one GetMetricData call takes.
	metricBatch = 500
)

// metricQuery is one statistic of one metric of one resource.
type metricQuery struct {
	resource  string
	namespace string
	name      string
	stat      string
	dims      map[string]string
}

// metricQueries lists what the rules need from CloudWatch for the entry
// points of one region: request counts and p99 latencies of API Gateway
// stages, request counts and average consumed LCUs of ALBs.
func metricQueries(s *snapshot.Snapshot) []metricQuery {
	var qs []metricQuery
	stage := func(arn string, dims map[string]string) {
		qs = append(qs,
			metricQuery{arn, "AWS/ApiGateway", "Count", "Sum", dims},
			metricQuery{arn, "AWS/ApiGateway", "Latency", "p99", dims},
			metricQuery{arn, "AWS/ApiGateway", "IntegrationLatency", "p99", dims})
	}
	for _, a := range s.RestAPIs {
		// REST API metrics are keyed by the API's name, not its ID: two
		// APIs of one name in a region share their metrics, as CloudWatch
		// shows them.
		for _, st := range a.Stages {
			stage(st.ARN, map[string]string{"ApiName": a.Name, "Stage": st.Name})
		}
	}
	for _, a := range s.V2APIs {
		// WebSocket APIs publish no Count or Latency (only connect and
		// message counts), so only HTTP APIs are measured.
		if a.ProtocolType != "HTTP" {
			continue
		}
		for _, st := range a.Stages {
			stage(st.ARN, map[string]string{"ApiId": a.ID, "Stage": st.Name})
		}
	}
	for _, lb := range s.LoadBalancers {
		_, dim, ok := strings.Cut(lb.ARN, ":loadbalancer/")
		if lb.Type != "application" || !ok {
			continue
		}
		// ConsumedLCUs prices the ALB as it is billed; without it the cost
		// rule estimates LCUs from the request rate.
		dims := map[string]string{"LoadBalancer": dim}
		qs = append(qs,
			metricQuery{lb.ARN, "AWS/ApplicationELB", "RequestCount", "Sum", dims},
			metricQuery{lb.ARN, "AWS/ApplicationELB", "ConsumedLCUs", "Average", dims})
	}
	return qs
}

func collectMetrics(ctx context.Context, t target, regional *snapshot.Snapshot) *snapshot.Snapshot {
	if !t.wants("metrics") {
		return &snapshot.Snapshot{}
	}
	return metricSummaries(ctx, cloudwatch.NewFromConfig(t.config(serviceCloudWatch)), t, metricQueries(regional))
}

// metricSummaries reads the queries with GetMetricData, 500 to a call, over
// the last full week ending on the hour (so the period holds one
// datapoint). A Sum with no datapoint is zero: CloudWatch publishes
// nothing for an hour without requests, and an idle load balancer is what
// the cost rule looks for. A percentile with no datapoint is unknown and
// left out.
func metricSummaries(ctx context.Context, c cloudwatch.GetMetricDataAPIClient, t target, queries []metricQuery) *snapshot.Snapshot {
	out := &snapshot.Snapshot{}
	end := t.opts.Clock().UTC().Truncate(time.Hour)
	start := end.Add(-metricPeriod)
	for batch := range slices.Chunk(queries, metricBatch) {
		in := &cloudwatch.GetMetricDataInput{StartTime: aws.Time(start), EndTime: aws.Time(end)}
		for i, q := range batch {
			in.MetricDataQueries = append(in.MetricDataQueries, types.MetricDataQuery{
				Id: aws.String(fmt.Sprintf("m%d", i)), ReturnData: aws.Bool(true),
				MetricStat: &types.MetricStat{Period: aws.Int32(int32(metricPeriod / time.Second)), Stat: aws.String(q.stat),
					Metric: &types.Metric{Namespace: aws.String(q.namespace), MetricName: aws.String(q.name), Dimensions: cwDimensions(q.dims)}},
			})
		}
		values := make([][]float64, len(batch))
		unusable := make([]bool, len(batch))
		failed := false
		pages := cloudwatch.NewGetMetricDataPaginator(c, in)
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				out.Errors = append(out.Errors, t.failureFor(serviceCloudWatch, "GetMetricData", err, batchResources(batch)...))
				failed = true
				break
			}
			for _, r := range page.MetricDataResults {
				var i int
				if _, err := fmt.Sscanf(aws.ToString(r.Id), "m%d", &i); err != nil || i < 0 || i >= len(batch) {
					continue
				}
				if r.StatusCode == types.StatusCodeForbidden || r.StatusCode == types.StatusCodeInternalError {
					unusable[i] = true
					out.Errors = append(out.Errors, t.invalid(serviceCloudWatch, "GetMetricData", batch[i].resource, string(r.StatusCode),
						"%s %s of %s: %s", batch[i].namespace, batch[i].name, batch[i].resource, resultMessage(r)))
				}
				values[i] = append(values[i], r.Values...)
			}
		}
		if failed {
			continue
		}
		for i, q := range batch {
			if v, ok := aggregate(q.stat, values[i]); ok && !unusable[i] {
				out.Metrics = append(out.Metrics, snapshot.MetricSummary{
					Resource: q.resource, Account: t.account, Region: t.region, Namespace: q.namespace, Name: q.name,
					Statistic: q.stat, PeriodSeconds: int(metricPeriod / time.Second), Value: v,
				})
			}
		}
	}
	return out
}

// aggregate folds the datapoints of one query: should CloudWatch split the
// week over two periods, sums add up and a percentile or an average keeps
// its worst.
func aggregate(stat string, values []float64) (float64, bool) {
	if stat == "Sum" {
		total := 0.0
		for _, v := range values {
			total += v
		}
		return total, true
	}
	if len(values) == 0 {
		return 0, false
	}
	return slices.Max(values), true
}

func resultMessage(r types.MetricDataResult) string {
	var msgs []string
	for _, m := range r.Messages {
		msgs = append(msgs, aws.ToString(m.Code)+": "+aws.ToString(m.Value))
	}
	return strings.Join(msgs, "; ")
}

func cwDimensions(dims map[string]string) []types.Dimension {
	var out []types.Dimension
	for _, k := range slices.Sorted(maps.Keys(dims)) {
		out = append(out, types.Dimension{Name: aws.String(k), Value: aws.String(dims[k])})
	}
	return out
}

// batchResources lists, sorted and unique, the resources a batch of
// queries measures.
func batchResources(batch []metricQuery) []string {
	out := make([]string, 0, len(batch))
	for _, q := range batch {
		out = append(out, q.resource)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
