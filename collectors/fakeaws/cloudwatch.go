package fakeaws

import (
	"net/http"
	"strings"
	"time"

	"github.com/aws/smithy-go/encoding/cbor"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// serveCloudWatch answers CloudWatch in the RPC v2 CBOR protocol that
// current SDKs speak (POST /service/GraniteServiceVersion20100801/operation/OP).
func serveCloudWatch(s *Server, c *call, w http.ResponseWriter) *fault {
	switch c.op {
	case "GetMetricData":
		return serveGetMetricData(s, c, w)
	case "DescribeAlarms":
	default:
		return &fault{400, "InvalidAction", "fakeaws: unsupported cloudwatch operation " + c.op}
	}
	in, f := cborInput(c)
	if f != nil {
		return f
	}
	token, _ := in["NextToken"].(cbor.String)
	limit, _ := in["MaxRecords"].(cbor.Uint)
	alarms := ofScope(c, c.world.Alarms, func(a snapshot.Alarm) (string, string) { return a.Account, a.Region })
	page, next := pageOf(s, alarms, string(token), int(limit))
	var out cbor.List
	for _, a := range page {
		out = append(out, alarmCBOR(a))
	}
	resp := cbor.Map{"MetricAlarms": out, "CompositeAlarms": cbor.List{}}
	if next != "" {
		resp["NextToken"] = cbor.String(next)
	}
	return writeCBOR(w, resp)
}

// alarmCBOR serves one metric as a plain alarm and several as a
// metric-math alarm whose expression reads them all.
func alarmCBOR(a snapshot.Alarm) cbor.Map {
	m := cbor.Map{"AlarmName": cbor.String(a.Name), "AlarmArn": cbor.String(a.ARN),
		"Threshold": cbor.Float64(a.Threshold), "ActionsEnabled": cbor.Bool(a.ActionsEnabled),
		"AlarmActions": cborStrings(a.AlarmActions), "EvaluationPeriods": cbor.Uint(1)}
	if a.ComparisonOperator != "" {
		m["ComparisonOperator"] = cbor.String(a.ComparisonOperator)
	}
	if a.StateValue != "" {
		m["StateValue"] = cbor.String(a.StateValue)
	}
	if len(a.Metrics) == 1 {
		mr := a.Metrics[0]
		m["Namespace"], m["MetricName"], m["Dimensions"] = cbor.String(mr.Namespace), cbor.String(mr.Name), dimensionsCBOR(mr.Dimensions)
		m["Period"] = cbor.Uint(60)
		if strings.HasPrefix(mr.Statistic, "p") {
			m["ExtendedStatistic"] = cbor.String(mr.Statistic)
		} else if mr.Statistic != "" {
			m["Statistic"] = cbor.String(mr.Statistic)
		}
		return m
	}
	var queries cbor.List
	var ids []string
	for i, mr := range a.Metrics {
		id := "m" + itoa(i)
		ids = append(ids, id)
		queries = append(queries, cbor.Map{"Id": cbor.String(id), "ReturnData": cbor.Bool(false),
			"MetricStat": cbor.Map{"Stat": cbor.String(mr.Statistic), "Period": cbor.Uint(60),
				"Metric": cbor.Map{"Namespace": cbor.String(mr.Namespace), "MetricName": cbor.String(mr.Name),
					"Dimensions": dimensionsCBOR(mr.Dimensions)}}})
	}
	if len(ids) > 0 {
		queries = append(queries, cbor.Map{"Id": cbor.String("e1"), "Expression": cbor.String(strings.Join(ids, "+")),
			"ReturnData": cbor.Bool(true)})
	}
	m["Metrics"] = queries
	return m
}

func dimensionsCBOR(dims map[string]string) cbor.List {
	out := cbor.List{}
	for _, k := range sortedKeys(dims) {
		out = append(out, cbor.Map{"Name": cbor.String(k), "Value": cbor.String(dims[k])})
	}
	return out
}

func cborStrings(ss []string) cbor.List {
	out := cbor.List{}
	for _, s := range ss {
		out = append(out, cbor.String(s))
	}
	return out
}

// serveGetMetricData answers each MetricStat query with the world's metric
// summary for the resource its dimensions name (one datapoint at the start
// of the window), and with no datapoint when the world has none, as
// CloudWatch does for a metric that was never published.
func serveGetMetricData(s *Server, c *call, w http.ResponseWriter) *fault {
	in, f := cborInput(c)
	if f != nil {
		return f
	}
	start, okStart := cborTime(in["StartTime"])
	end, okEnd := cborTime(in["EndTime"])
	if !okStart || !okEnd || !start.Before(end) {
		return &fault{400, "InvalidParameterValue", "The parameter StartTime must be less than the parameter EndTime."}
	}
	queries, _ := in["MetricDataQueries"].(cbor.List)
	if len(queries) == 0 || len(queries) > 500 {
		return &fault{400, "InvalidParameterValue", "The collection MetricDataQueries must not have a size greater than 500."}
	}
	known := s.metricIndex(c)
	var results cbor.List
	for _, q := range queries {
		qm, _ := q.(cbor.Map)
		id, _ := qm["Id"].(cbor.String)
		stat, _ := qm["MetricStat"].(cbor.Map)
		metric, _ := stat["Metric"].(cbor.Map)
		period, _ := stat["Period"].(cbor.Uint)
		if id == "" || metric == nil || period == 0 || period%60 != 0 {
			return &fault{400, "InvalidParameterValue", "fakeaws: each query needs an Id and a MetricStat with a Period in minutes"}
		}
		dims := map[string]string{}
		list, _ := metric["Dimensions"].(cbor.List)
		for _, d := range list {
			dm, _ := d.(cbor.Map)
			name, _ := dm["Name"].(cbor.String)
			value, _ := dm["Value"].(cbor.String)
			dims[string(name)] = string(value)
		}
		ns, _ := metric["Namespace"].(cbor.String)
		name, _ := metric["MetricName"].(cbor.String)
		st, _ := stat["Stat"].(cbor.String)
		r := cbor.Map{"Id": id, "Label": name, "StatusCode": cbor.String("Complete"), "Timestamps": cbor.List{}, "Values": cbor.List{}}
		if value, ok := known[metricKey(string(ns), string(name), string(st), int(period), dims)]; ok {
			r["Timestamps"] = cbor.List{&cbor.Tag{ID: 1, Value: cbor.Float64(float64(start.Unix()))}}
			r["Values"] = cbor.List{cbor.Float64(value)}
		}
		results = append(results, r)
	}
	return writeCBOR(w, cbor.Map{"MetricDataResults": results, "Messages": cbor.List{}})
}

// metricIndex keys the world's metric summaries of c's account and region
// by the dimensions CloudWatch publishes them under: ApiName and Stage for
// REST APIs, ApiId and Stage for HTTP APIs, LoadBalancer for ALBs.
func (s *Server) metricIndex(c *call) map[string]float64 {
	restNames := map[string]string{}
	for _, a := range c.world.RestAPIs {
		restNames[a.ID] = a.Name
	}
	out := map[string]float64{}
	for _, m := range ofScope(c, c.world.Metrics, func(m snapshot.MetricSummary) (string, string) { return m.Account, m.Region }) {
		var dims map[string]string
		_, path, _ := strings.Cut(m.Resource, "::/")
		seg := strings.Split(path, "/")
		_, lb, isLB := strings.Cut(m.Resource, ":loadbalancer/")
		switch {
		case len(seg) == 4 && seg[0] == "restapis" && seg[2] == "stages":
			dims = map[string]string{"ApiName": restNames[seg[1]], "Stage": seg[3]}
		case len(seg) == 4 && seg[0] == "apis" && seg[2] == "stages":
			dims = map[string]string{"ApiId": seg[1], "Stage": seg[3]}
		case isLB:
			dims = map[string]string{"LoadBalancer": lb}
		default:
			continue
		}
		out[metricKey(m.Namespace, m.Name, m.Statistic, m.PeriodSeconds, dims)] = m.Value
	}
	return out
}

func metricKey(namespace, name, stat string, period int, dims map[string]string) string {
	key := []string{namespace, name, stat, itoa(period)}
	for _, k := range sortedKeys(dims) {
		key = append(key, k+"="+dims[k])
	}
	return strings.Join(key, "|")
}

// cborTime reads an RPC v2 CBOR timestamp: tag 1 around epoch seconds.
func cborTime(v cbor.Value) (time.Time, bool) {
	tag, ok := v.(*cbor.Tag)
	if !ok || tag.ID != 1 {
		return time.Time{}, false
	}
	switch n := tag.Value.(type) {
	case cbor.Uint:
		return time.Unix(int64(n), 0), true
	case cbor.Float64:
		return time.UnixMilli(int64(float64(n) * 1000)), true
	}
	return time.Time{}, false
}
