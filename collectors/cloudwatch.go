package collectors

import (
	"cmp"
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// cloudwatchPageSize is the largest MaxRecords DescribeAlarms accepts.
const cloudwatchPageSize = 100

func collectCloudWatch(ctx context.Context, t target) *snapshot.Snapshot {
	if !t.wants("alarms") {
		return &snapshot.Snapshot{}
	}
	return alarms(ctx, cloudwatch.NewFromConfig(t.config(serviceCloudWatch)), t)
}

// alarms reads the metric alarms of the region. A metric-math alarm lists
// every metric its expression reads, so rules can tell what it watches.
func alarms(ctx context.Context, c cloudwatch.DescribeAlarmsAPIClient, t target) *snapshot.Snapshot {
	out := &snapshot.Snapshot{}
	pages := cloudwatch.NewDescribeAlarmsPaginator(c, &cloudwatch.DescribeAlarmsInput{
		AlarmTypes: []types.AlarmType{types.AlarmTypeMetricAlarm}, MaxRecords: aws.Int32(cloudwatchPageSize),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			out.Errors = append(out.Errors, t.failure(serviceCloudWatch, "DescribeAlarms", err))
			break
		}
		for _, a := range page.MetricAlarms {
			out.Alarms = append(out.Alarms, alarm(t, a))
		}
	}
	return out
}

func alarm(t target, a types.MetricAlarm) snapshot.Alarm {
	al := snapshot.Alarm{
		ARN: aws.ToString(a.AlarmArn), Account: t.account, Region: t.region, Name: aws.ToString(a.AlarmName),
		ComparisonOperator: string(a.ComparisonOperator), Threshold: aws.ToFloat64(a.Threshold),
		ActionsEnabled: aws.ToBool(a.ActionsEnabled), AlarmActions: a.AlarmActions, StateValue: string(a.StateValue),
	}
	// A plain alarm names its metric at the top level, with Statistic or,
	// for percentiles, ExtendedStatistic.
	if a.MetricName != nil {
		al.Metrics = append(al.Metrics, snapshot.MetricRef{
			Namespace: aws.ToString(a.Namespace), Name: aws.ToString(a.MetricName),
			Dimensions: dimensions(a.Dimensions), Statistic: cmp.Or(string(a.Statistic), aws.ToString(a.ExtendedStatistic)),
		})
	}
	for _, q := range a.Metrics {
		if q.MetricStat == nil || q.MetricStat.Metric == nil {
			continue // an expression, not a metric
		}
		m := q.MetricStat.Metric
		al.Metrics = append(al.Metrics, snapshot.MetricRef{
			Namespace: aws.ToString(m.Namespace), Name: aws.ToString(m.MetricName),
			Dimensions: dimensions(m.Dimensions), Statistic: aws.ToString(q.MetricStat.Stat),
		})
	}
	return al
}

func dimensions(ds []types.Dimension) map[string]string {
	if len(ds) == 0 {
		return nil
	}
	out := make(map[string]string, len(ds))
	for _, d := range ds {
		out[aws.ToString(d.Name)] = aws.ToString(d.Value)
	}
	return out
}
