package findings

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// Options say how the terminal table is laid out. The zero value is a
// table without colour and without a width limit (one line per finding),
// which is what a pipe or a file gets unless the caller knows a width.
type Options struct {
	// Width is the width of the terminal in display cells (a CJK character
	// or an emoji takes two). Every line of the table fits in it: the
	// message and resource columns wrap, the severity and rule never do.
	// 0 means no limit. Below about 50 cells, rows may still be wider.
	Width int
	// Color adds ANSI colours: severities and headings. Only for a
	// terminal; the caller honours NO_COLOR and --no-color.
	Color bool
	// Demo says the report is of the bundled sample account, so the header
	// says so and the footer says how to scan a real one.
	Demo bool
}

// tableChunk is how many rows one go-pretty table holds before it is
// rendered and written: every chunk is laid out with the same column
// widths, so the output reads as one table while a report of 100k
// findings is never held as one big table in memory.
const tableChunk = 512

// columnGap is the space between two columns of the terminal tables.
const columnGap = "  "

// writeTable writes a terminal table: what was scanned, a summary line,
// the active findings grouped by severity, the suppressed ones with their
// reasons, the fixed ones, what could not be evaluated, the collection
// errors and the commands to run next. Every AWS-provided string goes
// through short or prose (sanitised, then bounded) so that a tag value can
// neither drive the terminal nor flood it.
func writeTable(w io.Writer, r *Report, o Options) error {
	tw := &termWriter{w: w, o: o}
	tw.header(r)

	active, suppressed := splitActive(r.Findings)
	if len(active) > 0 {
		tw.blank()
		tw.findings(r, active)
	}
	if len(suppressed) > 0 {
		tw.section(fmt.Sprintf("Suppressed (%d)", len(suppressed)))
		cols := []column{{header: "rule"}, {header: "resource", wrap: 1, name: true}, {header: "by"}, {header: "reason", wrap: 2}}
		label := resourceLabels(r)
		tw.table(cols, len(suppressed), func(i int) []string {
			f := suppressed[i]
			return []string{short(f.RuleID), short(label(f.Resource)), short(f.Suppression.Kind), prose(f.Suppression.Reason)}
		}, nil)
	}
	if len(r.Fixed) > 0 {
		tw.section(fmt.Sprintf("Fixed since the baseline (%d)", len(r.Fixed)))
		cols := []column{{header: "rule"}, {header: "severity"}, {header: "resource", wrap: 1, name: true}}
		tw.table(cols, len(r.Fixed), func(i int) []string {
			f := r.Fixed[i]
			return []string{short(f.RuleID), strings.ToUpper(short(string(f.Severity))), short(f.Resource)}
		}, nil)
	}
	if groups := gapGroups(r); len(groups) > 0 {
		tw.section(fmt.Sprintf("Could not evaluate (%d rule and resource checks)", len(r.NotEvaluated)))
		tw.para("These rules lacked an input, so they neither fired nor passed there.")
		cols := []column{{header: "account"}, {header: "region"}, {header: "rules", wrap: 1}, {header: "resources"},
			{header: "missing", wrap: 1, name: true}, {header: "to fix", wrap: 2}}
		tw.table(cols, len(groups), func(i int) []string {
			g := groups[i]
			return []string{short(g.Account), short(g.Region), strings.Join(g.Rules, " "), fmt.Sprint(g.Resources),
				strings.Join(g.Inputs, ", "), short(g.Advice())}
		}, nil)
	}
	if len(r.Errors) > 0 {
		tw.section(fmt.Sprintf("Collection errors (%d)", len(r.Errors)))
		cols := []column{{header: "account"}, {header: "region"}, {header: "call", wrap: 1, name: true},
			{header: "code", wrap: 1, name: true}, {header: "message", wrap: 2}}
		tw.table(cols, len(r.Errors), func(i int) []string {
			e := r.Errors[i]
			return []string{short(e.Account), short(e.Region), short(e.Service) + ":" + short(e.Operation), short(e.Code), prose(e.Message)}
		}, nil)
	}
	tw.footer(r, active)
	return tw.err
}

// termWriter writes the parts of the terminal table, keeping the first
// write error (cancellation included) and doing nothing after it.
type termWriter struct {
	w   io.Writer
	o   Options
	err error
}

func (t *termWriter) write(s string) {
	if t.err == nil {
		_, t.err = io.WriteString(t.w, s)
	}
}

func (t *termWriter) blank() { t.write("\n") }

// para writes text wrapped at the width, words kept whole where they fit.
func (t *termWriter) para(s string) { t.indented("", s, "") }

// paraSGR is para in a colour, each line painted apart so the padding of
// wrapping never hides inside the colour codes.
func (t *termWriter) paraSGR(s, sgr string) { t.indented("", s, sgr) }

// indented is para with every line indented and painted in sgr.
func (t *termWriter) indented(indent, s, sgr string) {
	if t.o.Width > 0 {
		s = wrapWords(s, max(minWrapWidth, t.o.Width-len(indent)))
	}
	for _, l := range strings.Split(s, "\n") {
		t.write(indent + t.paint(l, sgr) + "\n")
	}
}

// wrapWords wraps s at n display cells between words, breaking a word only
// when it is longer than a line. go-pretty pads each wrapped line to n;
// the padding is trimmed.
func wrapWords(s string, n int) string {
	lines := strings.Split(text.WrapSoft(s, n), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// wrapName wraps an identifier (a resource name, an ARN, "api/stage") at n
// display cells, breaking after a '-', '/', ':', '.', '_' or space when one
// is on the line, so "orders-internal-http/$default" becomes
// "orders-internal-" and "http/$default" rather than a cut mid-word.
func wrapName(s string, n int) string {
	if n <= 0 || text.StringWidthWithoutEscSequences(s) <= n {
		return s
	}
	var lines []string
	for s != "" {
		width, end, brk := 0, len(s), -1
		for i, r := range s {
			w := text.RuneWidth(r)
			if width+w > n {
				end = i
				break
			}
			width += w
			if strings.ContainsRune("-/:._ ", r) {
				brk = i + utf8.RuneLen(r)
			}
		}
		if end < len(s) && brk > 0 {
			end = brk
		}
		if end == 0 { // a character wider than the column
			_, end = utf8.DecodeRuneInString(s)
		}
		lines = append(lines, strings.TrimRight(s[:end], " "))
		s = s[end:]
	}
	return strings.Join(lines, "\n")
}

// section starts a part of the report with a blank line and a heading.
func (t *termWriter) section(title string) {
	t.blank()
	t.paraSGR(title, sgrBold)
}

// ANSI SGR parameters of the colours used.
const (
	sgrBold    = "1"
	sgrDim     = "2"
	sgrRed     = "31"
	sgrBoldRed = "1;31"
	sgrYellow  = "33"
	sgrCyan    = "36"
)

// severitySGR is the colour of each severity's label.
var severitySGR = map[Severity]string{Critical: sgrBoldRed, High: sgrRed, Medium: sgrYellow, Low: sgrCyan, Info: sgrDim}

// paint wraps s in an ANSI colour when colour is on. s is text gatewatch
// wrote or text already sanitised, so the only escapes in the output are
// these.
func (t *termWriter) paint(s, sgr string) string {
	if !t.o.Color || s == "" || sgr == "" {
		return s
	}
	return "\x1b[" + sgr + "m" + s + "\x1b[0m"
}

// header says what was scanned (accounts, regions, resources by type;
// that it is the bundled sample) and gives the verdict.
func (t *termWriter) header(r *Report) {
	accounts, regions := r.Scope.Accounts, r.Scope.Regions
	names := map[string]string{}
	var resources []snapshot.Resource
	if r.Snapshot != nil {
		for _, a := range r.Snapshot.Accounts {
			names[a.ID] = a.Name
		}
		resources = r.Snapshot.Resources()
	}
	what := "Scanned "
	if t.o.Demo {
		what = "Scanned the bundled demo account (sample data, not your AWS): "
	}
	t.paraSGR(what+scopeText(accounts, regions, names), sgrBold)
	if r.Snapshot != nil {
		t.para(resourceCounts(resources))
	}
	if r.SnapshotTakenAt != "" && !t.o.Demo {
		t.para("Snapshot taken " + short(r.SnapshotTakenAt) + ".")
	}
	t.para(summaryLine(r))
	if r.Incomplete {
		t.paraSGR(fmt.Sprintf("INCOMPLETE: coverage has gaps (%d collection %s); what could not be evaluated is listed below, never reported as passed",
			len(r.Errors), plural(len(r.Errors), "error", "errors")), sgrYellow)
	}
}

// maxScopeNames is how many accounts or regions the header names before
// it counts the rest.
const maxScopeNames = 5

// scopeText names the accounts and regions of a scan, the first few of
// each, with the accounts' names where the snapshot has them.
func scopeText(accounts, regions []string, names map[string]string) string {
	list := func(one, many string, items []string, label func(string) string) string {
		if len(items) == 0 {
			return "no " + many
		}
		shown := make([]string, 0, maxScopeNames)
		for _, it := range items[:min(len(items), maxScopeNames)] {
			shown = append(shown, label(it))
		}
		s := strings.Join(shown, ", ")
		if len(items) > maxScopeNames {
			s += fmt.Sprintf(" and %d more", len(items)-maxScopeNames)
		}
		if len(items) == 1 {
			return one + " " + s
		}
		return fmt.Sprintf("%d %s (%s)", len(items), many, s)
	}
	acct := func(id string) string {
		if n := names[id]; n != "" {
			return short(id) + " (" + short(n) + ")"
		}
		return short(id)
	}
	return list("account", "accounts", accounts, acct) + ", " + list("region", "regions", regions, short) + "."
}

// typeNames are the words the header counts resources in, in the order a
// request meets them.
var typeNames = []struct{ typ, one, many string }{
	{snapshot.TypeDistribution, "CloudFront distribution", "CloudFront distributions"},
	{snapshot.TypeWebACL, "web ACL", "web ACLs"},
	{snapshot.TypeShield, "Shield protection", "Shield protections"},
	{snapshot.TypeDomainName, "custom domain", "custom domains"},
	{snapshot.TypeRestAPI, "REST API", "REST APIs"},
	{snapshot.TypeRestStage, "REST stage", "REST stages"},
	{snapshot.TypeV2API, "HTTP/WebSocket API", "HTTP/WebSocket APIs"},
	{snapshot.TypeV2Stage, "HTTP/WebSocket stage", "HTTP/WebSocket stages"},
	{snapshot.TypeUsagePlan, "usage plan", "usage plans"},
	{snapshot.TypeVPCLink, "VPC link", "VPC links"},
	{snapshot.TypeLoadBalancer, "load balancer", "load balancers"},
	{snapshot.TypeListener, "listener", "listeners"},
	{snapshot.TypeListenerRule, "listener rule", "listener rules"},
	{snapshot.TypeTargetGroup, "target group", "target groups"},
	{snapshot.TypeLambda, "Lambda function", "Lambda functions"},
	{snapshot.TypeSecurityGroup, "security group", "security groups"},
	{snapshot.TypeAlarm, "CloudWatch alarm", "CloudWatch alarms"},
}

// resourceCounts is "62 resources: 3 REST APIs, ..." for the header.
func resourceCounts(resources []snapshot.Resource) string {
	count := map[string]int{}
	for _, res := range resources {
		count[res.Type]++
	}
	var parts []string
	for _, tn := range typeNames {
		if n := count[tn.typ]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, plural(n, tn.one, tn.many)))
			delete(count, tn.typ)
		}
	}
	if len(count) > 0 { // a type added to the snapshot but not to typeNames
		other := 0
		for _, n := range count {
			other += n
		}
		parts = append(parts, fmt.Sprintf("%d other", other))
	}
	s := fmt.Sprintf("%d %s", len(resources), plural(len(resources), "resource", "resources"))
	if len(parts) > 0 {
		s += ": " + strings.Join(parts, ", ")
	}
	return s + "."
}

// findings writes the active findings, most severe first, the severity
// named on the first row of its group and a blank line between groups.
// The account and region columns appear only when the report spans more
// than one of them.
func (t *termWriter) findings(r *Report, active []Finding) {
	manyAccounts := len(r.Scope.Accounts) > 1 || distinct(active, func(f Finding) string { return f.Account }) > 1
	// CloudFront and Shield findings are in region "global" whatever the
	// scan's regions: that alone does not make a region column worth it.
	manyRegions := len(r.Scope.Regions) > 1 || distinct(active, func(f Finding) string {
		if f.Region == snapshot.GlobalRegion {
			return ""
		}
		return f.Region
	}) > 1
	cols := []column{{header: "severity"}, {header: "rule"}}
	if manyAccounts {
		cols = append(cols, column{header: "account"})
	}
	if manyRegions {
		cols = append(cols, column{header: "region"})
	}
	cols = append(cols, column{header: "resource", wrap: 1, name: true}, column{header: "message", wrap: 2})

	label := resourceLabels(r)
	row := func(i int) []string {
		f := active[i]
		sev := ""
		if i == 0 || active[i-1].Severity != f.Severity {
			sev = strings.ToUpper(short(string(f.Severity)))
		}
		if f.Baseline == BaselineNew {
			sev = strings.TrimSpace(sev + " (new)")
		}
		cells := []string{sev, short(f.RuleID)}
		if manyAccounts {
			cells = append(cells, short(f.Account))
		}
		if manyRegions {
			cells = append(cells, short(f.Region))
		}
		res := label(f.Resource)
		if f.Source != nil {
			res += " (" + f.Source.Where() + ")"
		}
		return append(cells, short(res), prose(f.Message))
	}
	paint := func(i int, cells []string) {
		cells[0] = t.paint(cells[0], severitySGR[active[i].Severity])
	}
	// A blank line before each severity group but the first.
	t.tableGroups(cols, len(active), row, paint, func(i int) bool { return i > 0 && active[i-1].Severity != active[i].Severity })
}

// distinct counts the distinct non-empty values of key among fs.
func distinct(fs []Finding, key func(Finding) string) int {
	seen := map[string]bool{}
	for _, f := range fs {
		if k := key(f); k != "" {
			seen[k] = true
		}
	}
	return len(seen)
}

// footer gives the commands to run next, each on a line of its own
// under what it does, so it can be copied whole at any width.
func (t *termWriter) footer(r *Report, active []Finding) {
	t.section("Next")
	type hint struct{ what, cmd string }
	var hints []hint
	if len(active) > 0 {
		id := short(active[0].RuleID)
		hints = append(hints, hint{"Why " + id + " matters and how to fix it:", "gatewatch rules " + id})
	}
	if t.o.Demo {
		hints = append(hints,
			hint{"One page with the topology picture and filters:", "gatewatch scan --demo -o report.html"},
			hint{"A review report for a pull request, and a spreadsheet:", "gatewatch scan --demo -o report.md -o findings.csv"},
			hint{"Scan your own account (read-only; the README lists the IAM actions it calls):", "gatewatch scan --profile PROFILE --regions eu-west-1"})
	} else {
		hints = append(hints,
			hint{"One page with the topology picture and filters: add to the same command", "-o report.html"},
			hint{"GitHub code scanning, and a spreadsheet: add", "-o gatewatch.sarif -o findings.csv"})
	}
	for _, h := range hints {
		t.indented("  ", h.what, "")
		t.write("    " + t.paint(h.cmd, sgrBold) + "\n")
	}
}

// column is one column of a terminal table.
type column struct {
	header string
	// wrap is the column's share of the width left when the table is too
	// wide (0: never wrapped, as rule IDs and severities must stay whole).
	wrap int
	// name says the column holds identifiers, wrapped at punctuation
	// (wrapName) rather than between words.
	name bool
}

// table writes rows laid out to fit the width; see tableGroups.
func (t *termWriter) table(cols []column, n int, row func(int) []string, paint func(int, []string)) {
	t.tableGroups(cols, n, row, paint, nil)
}

// tableGroups writes n rows as one table fitted to the width: column widths
// are computed over every row first, then the rows are rendered tableChunk
// at a time with those widths. paint, when set, colours a row's cells
// after layout; gapBefore, when set, puts a blank line before a row.
func (t *termWriter) tableGroups(cols []column, n int, row func(int) []string, paint func(int, []string), gapBefore func(int) bool) {
	natural := make([]int, len(cols))
	for i, c := range cols {
		natural[i] = text.StringWidthWithoutEscSequences(c.header)
	}
	for i := range n {
		for j, cell := range row(i) {
			natural[j] = max(natural[j], text.StringWidthWithoutEscSequences(cell))
		}
	}
	widths := fitWidths(cols, natural, t.o.Width)

	headerDone := false
	for start := 0; start < n && t.err == nil; {
		end := min(n, start+tableChunk)
		// A group's blank line splits the chunk there, so it lands
		// between two rendered tables.
		for i := start + 1; i < end; i++ {
			if gapBefore != nil && gapBefore(i) {
				end = i
				break
			}
		}
		tw := newTermTable(cols, widths)
		if !headerDone && slices.ContainsFunc(cols, func(c column) bool { return c.header != "" }) {
			hdr := make(table.Row, len(cols))
			for j, c := range cols {
				hdr[j] = t.paint(strings.ToUpper(c.header), sgrBold)
			}
			tw.AppendHeader(hdr)
			headerDone = true
		}
		for i := start; i < end; i++ {
			cells := row(i)
			if paint != nil {
				paint(i, cells)
			}
			r := make(table.Row, len(cells))
			for j, c := range cells {
				r[j] = c
			}
			tw.AppendRow(r)
		}
		t.write(tw.Render() + "\n")
		if end < n && gapBefore != nil && gapBefore(end) {
			t.blank()
		}
		start = end
	}
}

// newTermTable is a go-pretty table with the house style: no borders, two
// spaces between columns, and each column exactly as wide as laid out, so
// that chunks rendered apart line up.
func newTermTable(cols []column, widths []int) table.Writer {
	tw := table.NewWriter()
	style := table.StyleDefault
	style.Name = "gatewatch"
	style.Box.PaddingLeft, style.Box.PaddingRight = "", ""
	style.Box.MiddleVertical = columnGap
	style.Options = table.Options{SeparateColumns: true}
	style.Format.Header = text.FormatDefault
	tw.SetStyle(style)
	configs := make([]table.ColumnConfig, len(cols))
	for j, c := range cols {
		configs[j] = table.ColumnConfig{Number: j + 1, WidthMin: widths[j]}
		if j == len(cols)-1 {
			// The last column needs no padding to line chunks up, and
			// padding every row to the longest message of the whole
			// report made rendering grow faster than the report.
			configs[j].WidthMin = 0
		}
		if c.wrap > 0 {
			configs[j].WidthMax = widths[j]
			configs[j].WidthMaxEnforcer = wrapWords
			if c.name {
				configs[j].WidthMaxEnforcer = wrapName
			}
		}
	}
	tw.SetColumnConfigs(configs)
	tw.SuppressTrailingSpaces()
	return tw
}

// minWrapWidth is the narrowest a wrapped column gets, however narrow the
// terminal: below it a column reads as a stack of letters.
const minWrapWidth = 12

// fitWidths decides each column's width: its natural width when the table
// fits in width (or width is 0); otherwise the columns that never wrap keep
// theirs and the wrapping ones share what is left by their weights, a
// column that needs less than its share giving the rest to the others.
func fitWidths(cols []column, natural []int, width int) []int {
	widths := slices.Clone(natural)
	total := len(columnGap) * (len(cols) - 1)
	for _, w := range natural {
		total += w
	}
	if width <= 0 || total <= width {
		return widths
	}
	left := width - len(columnGap)*(len(cols)-1)
	var flex []int
	for j, c := range cols {
		if c.wrap == 0 {
			left -= natural[j]
		} else {
			flex = append(flex, j)
		}
	}
	// Water-filling: give every column that needs no more than its share
	// what it needs, then split the rest among the others by weight.
	for len(flex) > 0 {
		weights := 0
		for _, j := range flex {
			weights += cols[j].wrap
		}
		var rest []int
		for _, j := range flex {
			if share := left * cols[j].wrap / weights; natural[j] <= share {
				left -= natural[j]
			} else {
				rest = append(rest, j)
			}
		}
		if len(rest) == len(flex) {
			given := 0
			for _, j := range rest {
				widths[j] = left * cols[j].wrap / weights
				given += widths[j]
			}
			widths[rest[len(rest)-1]] += left - given // what rounding left over
			raiseToMinimum(widths, rest)
			break
		}
		flex = rest
	}
	return widths
}

// raiseToMinimum widens the columns cols narrower than minWrapWidth,
// taking the cells from the widest of them, so long as it stays above the
// minimum itself. On a terminal too narrow for that, rows are wider than
// the terminal.
func raiseToMinimum(widths, cols []int) {
	for _, j := range cols {
		for widths[j] < minWrapWidth {
			widest := cols[0]
			for _, k := range cols {
				if widths[k] > widths[widest] {
					widest = k
				}
			}
			if widths[widest] <= minWrapWidth {
				widths[j] = minWrapWidth
				break
			}
			widths[widest]--
			widths[j]++
		}
	}
}

// resourceLabels returns a function giving the short name a person knows a
// resource by (the load balancer's or API's name, "api/stage", "alb rule
// 10"); the full ARN stays in the machine formats. Without a snapshot, or
// for an ARN it lacks, the ARN's last path segment stands in.
func resourceLabels(r *Report) func(arn string) string {
	names := map[string]string{}
	if r.Snapshot != nil {
		for _, res := range r.Snapshot.Resources() {
			if res.Name != "" {
				names[res.ARN] = res.Name
			}
		}
	}
	return func(arn string) string {
		if n, ok := names[arn]; ok {
			return n
		}
		if i := strings.LastIndexAny(arn, "/:"); i >= 0 && i < len(arn)-1 {
			return arn[i+1:]
		}
		return arn
	}
}

// splitActive separates active findings from suppressed ones, keeping
// their order.
func splitActive(fs []Finding) (active, suppressed []Finding) {
	for _, f := range fs {
		if f.Active() {
			active = append(active, f)
		} else {
			suppressed = append(suppressed, f)
		}
	}
	return active, suppressed
}

// summaryLine is the one-line verdict shared by the human formats.
func summaryLine(r *Report) string {
	s := r.Summary
	var parts []string
	for _, sev := range Severities {
		if n := s.BySeverity[sev]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, sev))
		}
	}
	line := fmt.Sprintf("%d %s", s.Total, plural(s.Total, "finding", "findings"))
	if len(parts) > 0 {
		line += " (" + strings.Join(parts, ", ") + ")"
	}
	line += fmt.Sprintf(", %d suppressed, %d collection %s", s.Suppressed, s.Errors, plural(s.Errors, "error", "errors"))
	if s.NotEvaluated > 0 {
		line += fmt.Sprintf(", %d not evaluated", s.NotEvaluated)
	}
	if s.New > 0 || s.Fixed > 0 {
		line += fmt.Sprintf(", %d new, %d fixed since the baseline", s.New, s.Fixed)
	}
	return line
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
