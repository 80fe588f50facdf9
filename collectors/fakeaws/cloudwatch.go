package fakeaws

import (
	"net/http"
	"strings"

	"github.com/aws/smithy-go/encoding/cbor"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// serveCloudWatch answers CloudWatch in the RPC v2 CBOR protocol that
// current SDKs speak (POST /service/GraniteServiceVersion20100801/operation/OP).
func serveCloudWatch(s *Server, c *call, w http.ResponseWriter) *fault {
	if c.op != "DescribeAlarms" {
		return &fault{400, "InvalidAction", "fakeaws: unsupported cloudwatch operation " + c.op}
	}
	var token string
	limit := 0
	if len(c.body) > 0 {
		v, err := cbor.Decode(c.body)
		if err != nil {
			return &fault{400, "SerializationException", err.Error()}
		}
		in, _ := v.(cbor.Map)
		if t, ok := in["NextToken"].(cbor.String); ok {
			token = string(t)
		}
		if n, ok := in["MaxRecords"].(cbor.Uint); ok {
			limit = int(n)
		}
	}
	alarms := ofScope(c, s.world.Alarms, func(a snapshot.Alarm) (string, string) { return a.Account, a.Region })
	page, next := pageOf(s, alarms, token, limit)
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
