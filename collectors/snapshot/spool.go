package snapshot

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
)

// Spool holds the parts of a snapshot on disk as they are collected, one
// part per account, so that writing the snapshot of a whole organisation
// needs memory for an index alone: a key and a position per resource, and
// one position per account for the lists ordered by account (errors,
// coverage, accounts, API Gateway settings). WriteJSON writes exactly what
// encoding the assembled, normalised snapshot with two-space indentation
// would write.
//
// Add and WriteJSON may be called from several goroutines; Close removes
// the file.
type Spool struct {
	mu   sync.Mutex
	file *os.File
	w    *bufio.Writer
	off  int64
	// segments are the parts of the lists ordered by account, per list.
	segments [len(spoolLists)][]spooled
	// items are the elements of the other lists, per list.
	items  [len(spoolLists)][]spooled
	errors int
	err    error
}

// spooled is one element (or, for a list ordered by account, one
// account's elements) in the file.
type spooled struct {
	key, account string
	off          int64
	n            int
}

// spoolList is one list of the model as the spool stores it.
type spoolList struct {
	name string
	// byAccount lists are sorted by account first: an account's part,
	// normalised, is a run of them.
	byAccount bool
	// encode returns the list's elements in part, encoded, with their
	// keys (the Normalize sort key).
	encode func(part *Snapshot) (keys []string, elems [][]byte, err error)
}

// spoolLists are the lists of the model in the order of their JSON
// fields.
var spoolLists = [...]spoolList{
	listOf("errors", true, func(s *Snapshot) []CollectionError { return s.Errors }, nil),
	listOf("coverage", true, func(s *Snapshot) []Coverage { return s.Coverage }, nil),
	listOf("accounts", true, func(s *Snapshot) []Account { return s.Accounts }, nil),
	listOf("apigateway_accounts", true, func(s *Snapshot) []APIGatewayAccount { return s.APIGatewayAccounts }, nil),
	listOf("rest_apis", false, func(s *Snapshot) []RestAPI { return s.RestAPIs }, func(a RestAPI) string { return a.ARN }),
	listOf("v2_apis", false, func(s *Snapshot) []V2API { return s.V2APIs }, func(a V2API) string { return a.ARN }),
	listOf("usage_plans", false, func(s *Snapshot) []UsagePlan { return s.UsagePlans }, func(p UsagePlan) string { return p.ARN }),
	listOf("vpc_links", false, func(s *Snapshot) []VPCLink { return s.VPCLinks }, func(l VPCLink) string { return l.ARN }),
	listOf("domain_names", false, func(s *Snapshot) []DomainName { return s.DomainNames }, func(d DomainName) string { return d.ARN }),
	listOf("load_balancers", false, func(s *Snapshot) []LoadBalancer { return s.LoadBalancers }, func(lb LoadBalancer) string { return lb.ARN }),
	listOf("target_groups", false, func(s *Snapshot) []TargetGroup { return s.TargetGroups }, func(tg TargetGroup) string { return tg.ARN }),
	listOf("security_groups", false, func(s *Snapshot) []SecurityGroup { return s.SecurityGroups }, func(sg SecurityGroup) string { return sg.ARN }),
	listOf("web_acls", false, func(s *Snapshot) []WebACL { return s.WebACLs }, func(w WebACL) string { return w.ARN }),
	listOf("lambda_functions", false, func(s *Snapshot) []LambdaFunction { return s.LambdaFunctions }, func(f LambdaFunction) string { return f.ARN }),
	listOf("cloudfront_distributions", false, func(s *Snapshot) []Distribution { return s.Distributions }, func(d Distribution) string { return d.ARN }),
	listOf("shield_protections", false, func(s *Snapshot) []ShieldProtection { return s.ShieldProtections }, func(p ShieldProtection) string { return p.ARN }),
	listOf("alarms", false, func(s *Snapshot) []Alarm { return s.Alarms }, func(a Alarm) string { return a.ARN }),
	listOf("metrics", false, func(s *Snapshot) []MetricSummary { return s.Metrics }, metricKey),
}

// metricKey is the sort key Normalize orders metrics by.
func metricKey(m MetricSummary) string {
	return strings.Join([]string{m.Resource, m.Namespace, m.Name, m.Statistic, itoa(m.PeriodSeconds)}, "\x00")
}

func listOf[T any](name string, byAccount bool, get func(*Snapshot) []T, key func(T) string) spoolList {
	return spoolList{name: name, byAccount: byAccount, encode: func(part *Snapshot) ([]string, [][]byte, error) {
		items := get(part)
		if byAccount {
			if len(items) == 0 {
				return nil, nil, nil
			}
			data, err := json.Marshal(items)
			return []string{""}, [][]byte{data}, err
		}
		keys, elems := make([]string, len(items)), make([][]byte, len(items))
		for i, it := range items {
			data, err := json.Marshal(it)
			if err != nil {
				return nil, nil, err
			}
			keys[i], elems[i] = key(it), data
		}
		return keys, elems, nil
	}}
}

// NewSpool creates a spool in a new file of dir (os.TempDir when empty).
func NewSpool(dir string) (*Spool, error) {
	f, err := os.CreateTemp(dir, "gatewatch-spool-*")
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	return &Spool{file: f, w: bufio.NewWriterSize(f, 1<<20)}, nil
}

// Close removes the spool's file.
func (sp *Spool) Close() error {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	err := sp.file.Close()
	if rerr := os.Remove(sp.file.Name()); err == nil {
		err = rerr
	}
	return err
}

// Errors is how many collection errors the parts added hold.
func (sp *Spool) Errors() int {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	return sp.errors
}

// Add normalises the part of one account and writes it to the spool. The
// part must hold only that account's errors, coverage and settings (the
// lists ordered by account), and no planned resources.
func (sp *Spool) Add(account string, part *Snapshot) error {
	part.Normalize()
	if len(part.Planned) > 0 {
		return errors.New("spool: planned resources are not spooled")
	}
	if err := cmp.Or(
		ownedBy(account, "an error", part.Errors, func(e CollectionError) string { return e.Account }),
		ownedBy(account, "coverage", part.Coverage, func(c Coverage) string { return c.Account }),
		ownedBy(account, "account", part.Accounts, func(a Account) string { return a.ID }),
		ownedBy(account, "API Gateway settings", part.APIGatewayAccounts, func(a APIGatewayAccount) string { return a.Account }),
	); err != nil {
		return err
	}
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.err != nil {
		return sp.err
	}
	sp.errors += len(part.Errors)
	for i, l := range spoolLists {
		keys, elems, err := l.encode(part)
		if err != nil {
			return fmt.Errorf("spool: %s: %w", l.name, err)
		}
		for j, data := range elems {
			if _, err := sp.w.Write(data); err != nil {
				sp.err = fmt.Errorf("spool: %w", err)
				return sp.err
			}
			s := spooled{key: keys[j], account: account, off: sp.off, n: len(data)}
			sp.off += int64(len(data))
			if l.byAccount {
				sp.segments[i] = append(sp.segments[i], s)
			} else {
				sp.items[i] = append(sp.items[i], s)
			}
		}
	}
	return nil
}

// ownedBy refuses items of another account than the part's.
func ownedBy[T any](account, what string, items []T, owner func(T) string) error {
	for _, it := range items {
		if a := owner(it); a != account {
			return fmt.Errorf("spool: the part of account %s holds %s of account %s", account, what, a)
		}
	}
	return nil
}

// WriteJSON writes the snapshot meta describes (its schema version, tool,
// time, scope, incompleteness and calls; its lists are ignored) with the
// spooled lists, as json.Encoder with SetIndent("", "  ") writes the
// assembled snapshot once normalised.
func (sp *Spool) WriteJSON(w io.Writer, meta *Snapshot) error {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.err != nil {
		return sp.err
	}
	if err := sp.w.Flush(); err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	skeleton := &Snapshot{SchemaVersion: meta.SchemaVersion, Tool: meta.Tool, TakenAt: meta.TakenAt, Scope: meta.Scope,
		Incomplete: meta.Incomplete, Calls: meta.Calls}
	skeleton.Normalize()
	head, err := json.MarshalIndent(skeleton, "", "  ")
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	var buf, elem bytes.Buffer
	for i, l := range spoolLists {
		marker := []byte("\n  \"" + l.name + "\": []")
		at := bytes.Index(head, marker)
		if at < 0 {
			return fmt.Errorf("spool: no %s list in the snapshot's JSON", l.name)
		}
		bw.Write(head[:at+len(marker)-1]) // up to and including "["
		head = head[at+len(marker)-1:]    // from "]"
		entries := sp.items[i]
		if l.byAccount {
			entries = sp.segments[i]
		}
		slices.SortStableFunc(entries, func(a, b spooled) int {
			return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.account, b.account))
		})
		for j, e := range entries {
			buf.Reset()
			buf.Grow(e.n)
			if _, err := io.Copy(&buf, io.NewSectionReader(sp.file, e.off, int64(e.n))); err != nil {
				return fmt.Errorf("spool: %w", err)
			}
			elem.Reset()
			// An element sits two levels deep; an account's run is
			// indented as the array one level deep that it is part of.
			prefix := "    "
			if l.byAccount {
				prefix = "  "
			}
			if err := json.Indent(&elem, buf.Bytes(), prefix, "  "); err != nil {
				return fmt.Errorf("spool: %s: %w", l.name, err)
			}
			out := elem.Bytes()
			if l.byAccount {
				// An account's run, indented as an array: drop its
				// brackets and keep the elements with their line breaks.
				out = out[1 : len(out)-len("\n  ]")]
			} else {
				bw.WriteString("\n    ")
			}
			if j > 0 && l.byAccount {
				bw.WriteByte(',')
			}
			bw.Write(out)
			if j < len(entries)-1 && !l.byAccount {
				bw.WriteByte(',')
			}
		}
		if len(entries) > 0 {
			bw.WriteString("\n  ")
		}
	}
	bw.Write(head)
	bw.WriteByte('\n')
	return bw.Flush()
}
