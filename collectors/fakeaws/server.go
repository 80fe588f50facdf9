// Package fakeaws is a local AWS endpoint for tests: an httptest server that
// answers the real wire protocol of each service gatewatch reads (REST-JSON,
// query/XML, EC2 XML, JSON 1.1, REST-XML and RPC v2 CBOR), serving a world
// described as a gatewatch snapshot. Real SDK clients point at it through
// BaseEndpoint, so signing, serialisation, pagination, retries and error
// decoding are all exercised.
//
// Requests are routed by the SigV4 credential scope of their Authorization
// header (Credential=AKID/DATE/REGION/SERVICE/aws4_request): the service
// and region come from it, the account from the access key ID.
package fakeaws

import (
	"fmt"
	"hash/fnv"
	"io"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/gatewatch/gatewatch/collectors/snapshot"
)

// Options configures the world's faults. The zero value serves the world
// faithfully.
type Options struct {
	// PageSize caps every list response, forcing clients through several
	// pages; 0 leaves pages as large as the client asks for.
	PageSize int
	// Deny answers AccessDenied for a whole service ("wafv2") or one
	// operation ("elasticloadbalancingv2:DescribeTags").
	Deny []string
	// Throttle answers the service's throttling error to the first N calls
	// of each "service:Operation", then serves normally.
	Throttle map[string]int
	// Hang holds the requests of these "service:Operation" keys until the
	// client gives up, as a dead connection would.
	Hang []string
	// HangFirst holds the first N requests of each "service:Operation"
	// key as Hang does, then serves normally: a connection that hung once.
	HangFirst map[string]int
	// Drop cuts the connection in the middle of the body of the first N
	// responses of each "service:Operation" key: the status line and
	// headers (a Content-Length of the whole body) arrive, half the body
	// does, then the connection closes.
	Drop map[string]int
	// DropRatio cuts that share (0 to 1) of all responses the same way.
	// Which attempts are cut depends only on the request (its operation
	// and parameters) and how often the same request came before, never on
	// timing, so a scan meets the same drops on every run.
	DropRatio float64
	// DisabledRegions are answered as AWS answers a region that is not
	// enabled for the account (UnrecognizedClientException and friends),
	// and left out of DescribeRegions.
	DisabledRegions []string
	// Accounts maps access key IDs to account IDs; a key not listed belongs
	// to the first account of the world's scope.
	Accounts map[string]string
	// Quotas are enforced with one token bucket per quota and
	// account-region; a request that finds a bucket of its quotas empty gets
	// the service's throttling error, as AWS answers a client over quota.
	Quotas []Quota
	// ExpiredKeys lists access key IDs whose session has expired: every
	// request signed with one gets the service's expired-token error.
	ExpiredKeys []string
	// DenyAssumeRole lists accounts whose roles refuse sts:AssumeRole.
	DenyAssumeRole []string
	// ExternalID is the external ID every role's trust policy requires;
	// empty requires none.
	ExternalID string
	// Organization, when set, answers account discovery; without it
	// Organizations answers that the account is in no organization.
	Organization *Organization
	// Latency delays every answer, as the network and AWS's own
	// processing do; the zero value answers at once.
	Latency Latency
	// TaggingOmits lists resource types ("elasticloadbalancing:loadbalancer")
	// the Resource Groups Tagging API does not list, tagged or not, as
	// moto's does not list load balancers.
	TaggingOmits []string
}

// Latency is the time a call takes besides the endpoint's work: Fixed for
// every call, plus a share of Jitter drawn for each call (uniformly from 0
// to Jitter). The delay comes after the quota check and before the answer,
// so a call is counted against its quota when it arrives, as AWS counts
// it, and the client waits the whole delay for its answer.
type Latency struct {
	Fixed  time.Duration
	Jitter time.Duration
}

// Quota is an API rate quota: a token bucket of Burst tokens refilled at
// Rate per second, shared by every request Match names.
type Quota struct {
	Name string
	// Match lists services ("elasticloadbalancingv2") and operations
	// ("apigateway:GetResources") the quota covers.
	Match []string
	Rate  float64
	Burst int
}

// AWSQuotas are the published per account-region quotas of the APIs
// gatewatch reads (API Gateway: 10 requests/s, burst 40, across v1 and v2,
// plus GetResources at 5 per 2 s; ELB Describe*: bucket 40, refill 10/s;
// EC2 non-mutating actions: bucket 100, refill 20/s; CloudWatch
// DescribeAlarms 9/s and GetMetricData 50/s; Lambda GetFunction 100/s).
// Where AWS states a rate without a burst, the burst is one second's worth.
func AWSQuotas() []Quota {
	return []Quota{
		{Name: "apigateway-control-plane", Match: []string{"apigateway", "apigatewayv2"}, Rate: 10, Burst: 40},
		{Name: "apigateway-get-resources", Match: []string{"apigateway:GetResources"}, Rate: 2.5, Burst: 5},
		{Name: "elb-describe", Match: []string{"elasticloadbalancingv2"}, Rate: 10, Burst: 40},
		{Name: "ec2-non-mutating", Match: []string{"ec2"}, Rate: 20, Burst: 100},
		{Name: "cloudwatch-describe-alarms", Match: []string{"cloudwatch:DescribeAlarms"}, Rate: 9, Burst: 9},
		{Name: "cloudwatch-get-metric-data", Match: []string{"cloudwatch:GetMetricData"}, Rate: 50, Burst: 50},
		{Name: "lambda-get-function", Match: []string{"lambda:GetFunction"}, Rate: 100, Burst: 100},
	}
}

// Server is a running fake endpoint.
type Server struct {
	// URL is the endpoint to set as the clients' BaseEndpoint.
	URL string

	srv   *httptest.Server
	world *snapshot.Snapshot
	opts  Options

	mu       sync.Mutex
	calls    map[string]int
	buckets  map[string]*rate.Limiter
	throttle map[string]int
	// throttled counts throttling answers, injected and quota alike.
	throttled int
	// assumed maps the access keys AssumeRole handed out to their account.
	assumed map[string]string
	hung    chan string
	// hangFirst and drop count down the faults of the options.
	hangFirst, drop map[string]int
	// seen counts earlier arrivals of each distinct request, for DropRatio.
	seen    map[string]int
	dropped int
	// views holds each account's part of the world, so that a call reads
	// its account's resources rather than the whole organisation's.
	views map[string]*snapshot.Snapshot
	// jitter draws the Jitter share of each call's latency; s.mu guards it.
	jitter *rand.Rand
	// serving counts the requests being answered, peak the most at once;
	// connections counts the connections clients opened.
	serving, peak, connections atomic.Int64
}

// New starts a server for world on a loopback port. Close it when done.
func New(world *snapshot.Snapshot, opts Options) *Server {
	s := &Server{world: world, opts: opts, calls: map[string]int{}, buckets: map[string]*rate.Limiter{},
		throttle: maps.Clone(opts.Throttle), assumed: map[string]string{}, hung: make(chan string, 1024),
		hangFirst: maps.Clone(opts.HangFirst), drop: maps.Clone(opts.Drop), seen: map[string]int{},
		views: byAccount(world), jitter: rand.New(rand.NewPCG(1, 2))}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.connections.Add(1)
		}
	}
	s.srv.Start()
	s.URL = s.srv.URL
	return s
}

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// Calls returns how many requests each "service:Operation" received,
// faulted ones included.
func (s *Server) Calls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.calls)
}

// Throttled returns how many requests were answered with a throttling
// error.
func (s *Server) Throttled() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.throttled
}

// Dropped returns how many responses were cut mid-body.
func (s *Server) Dropped() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped
}

// Hung receives the "service:Operation" of each request the Hang option
// holds, when it starts hanging: tests interrupt a scan at that moment.
func (s *Server) Hung() <-chan string { return s.hung }

// call is one decoded request.
type call struct {
	key     string // access key ID
	account string
	// world is the account's part of the world: its resources, with the
	// whole world's Scope and Accounts.
	world   *snapshot.Snapshot
	region  string
	service string // gatewatch service key, e.g. "apigatewayv2"
	op      string
	r       *http.Request
	path    string
	query   url.Values // query string, or the form of a query-protocol POST
	body    []byte
}

// fault is an error answer in the service's own format.
type fault struct {
	status int
	code   string
	msg    string
}

// Serving returns how many requests the server is answering at this
// moment, latency included: the calls in flight as AWS would see them.
func (s *Server) Serving() int { return int(s.serving.Load()) }

// PeakServing returns the most requests the server answered at once.
func (s *Server) PeakServing() int { return int(s.peak.Load()) }

// Connections returns how many connections clients opened.
func (s *Server) Connections() int { return int(s.connections.Load()) }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	n := s.serving.Add(1)
	defer s.serving.Add(-1)
	for p := s.peak.Load(); n > p && !s.peak.CompareAndSwap(p, n); p = s.peak.Load() {
	}
	c, err := s.decode(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h := handlers[c.service]
	if h == nil {
		http.Error(w, "fakeaws: no service "+c.service, http.StatusBadRequest)
		return
	}
	key := c.service + ":" + c.op
	s.mu.Lock()
	s.calls[key]++
	hang := slices.Contains(s.opts.Hang, key) || countDown(s.hangFirst, key)
	drop := countDown(s.drop, key) || s.dropByRatio(c)
	s.mu.Unlock()
	if hang {
		select {
		case s.hung <- key:
		default:
		}
		<-r.Context().Done()
		return
	}
	if drop {
		s.serveCut(h, c, w)
		return
	}
	f := s.injected(c)
	if !s.delay(r) {
		return
	}
	if f != nil {
		h.fail(w, *f)
		return
	}
	if f := h.serve(s, c, w); f != nil {
		h.fail(w, *f)
	}
}

// delay waits the call's latency; false when the client gave up first.
func (s *Server) delay(r *http.Request) bool {
	d := s.opts.Latency.Fixed
	if j := s.opts.Latency.Jitter; j > 0 {
		s.mu.Lock()
		d += time.Duration(s.jitter.Int64N(int64(j)))
		s.mu.Unlock()
	}
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// countDown spends one of the faults left for key; s.mu is held.
func countDown(left map[string]int, key string) bool {
	if left[key] <= 0 {
		return false
	}
	left[key]--
	return true
}

// dropByRatio decides whether DropRatio cuts this arrival of c: a hash of
// the request and of how many times it arrived before, compared with the
// ratio. s.mu is held.
func (s *Server) dropByRatio(c *call) bool {
	if s.opts.DropRatio <= 0 {
		return false
	}
	id := c.r.Method + " " + c.r.URL.RequestURI() + " " + string(c.body)
	n := s.seen[id]
	s.seen[id]++
	h := fnv.New64a()
	fmt.Fprintf(h, "%s#%d", id, n)
	return float64(h.Sum64()%10000) < s.opts.DropRatio*10000
}

// serveCut answers c in full into a buffer, then sends the headers and half
// of the body and drops the connection, as a flaky network does.
func (s *Server) serveCut(h *service, c *call, w http.ResponseWriter) {
	rec := httptest.NewRecorder()
	if f := h.serve(s, c, rec); f != nil {
		h.fail(rec, *f)
	}
	s.mu.Lock()
	s.dropped++
	s.mu.Unlock()
	body := rec.Body.Bytes()
	maps.Copy(w.Header(), rec.Header())
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body[:len(body)/2])
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	// The server closes the connection without completing the response.
	panic(http.ErrAbortHandler)
}

// decode reads the signing scope, the operation and the parameters.
func (s *Server) decode(r *http.Request) (*call, error) {
	auth := r.Header.Get("Authorization")
	_, cred, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return nil, fmt.Errorf("fakeaws: unsigned request %s %s", r.Method, r.URL.Path)
	}
	cred, _, _ = strings.Cut(cred, ",")
	scope := strings.Split(cred, "/")
	if len(scope) != 5 {
		return nil, fmt.Errorf("fakeaws: malformed credential scope %q", cred)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	c := &call{key: scope[0], account: s.accountFor(scope[0]), region: scope[2], service: scope[3], r: r,
		path: r.URL.EscapedPath(), query: r.URL.Query(), body: body}
	c.world = s.views[c.account]
	if c.world == nil {
		c.world = &snapshot.Snapshot{Scope: s.world.Scope, Accounts: s.world.Accounts}
	}
	if ct := r.Header.Get("Content-Type"); strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, err
		}
		c.query = form
	}
	switch c.service {
	case "apigateway":
		if strings.HasPrefix(c.path, "/v2/") {
			c.service = "apigatewayv2"
		}
	case "elasticloadbalancing":
		c.service = "elasticloadbalancingv2"
	case "monitoring":
		c.service = "cloudwatch"
	}
	c.op = operation(c)
	return c, nil
}

// operation names the operation from the target header, the Action
// parameter, or the REST path.
func operation(c *call) string {
	if t := c.r.Header.Get("X-Amz-Target"); t != "" {
		// JSON protocols name the operation as "ServiceVersion.Operation";
		// a target meant for another service is an unknown operation.
		prefix, op, _ := strings.Cut(t, ".")
		if prefix != jsonTargetPrefix[c.service] {
			return ""
		}
		return op
	}
	if a := c.query.Get("Action"); a != "" {
		return a
	}
	if i := strings.LastIndex(c.path, "/operation/"); i >= 0 {
		return c.path[i+len("/operation/"):]
	}
	if h := handlers[c.service]; h != nil && h.route != nil {
		return h.route(c.path)
	}
	return ""
}

func (s *Server) accountFor(key string) string {
	if a, ok := s.opts.Accounts[key]; ok {
		return a
	}
	s.mu.Lock()
	a, ok := s.assumed[key]
	s.mu.Unlock()
	if ok {
		return a
	}
	if len(s.world.Scope.Accounts) > 0 {
		return s.world.Scope.Accounts[0]
	}
	if len(s.world.Accounts) > 0 {
		return s.world.Accounts[0].ID
	}
	return "123456789012"
}

// injected returns the fault the options prescribe for c, if any.
func (s *Server) injected(c *call) *fault {
	h := handlers[c.service]
	key := c.service + ":" + c.op
	if slices.Contains(s.opts.ExpiredKeys, c.key) {
		f := h.expired
		return &f
	}
	if slices.Contains(s.opts.DisabledRegions, c.region) {
		f := h.notEnabled
		return &f
	}
	if slices.Contains(s.opts.Deny, c.service) || slices.Contains(s.opts.Deny, key) {
		f := h.denied
		f.msg = fmt.Sprintf("User: arn:aws:iam::%s:user/test is not authorized to perform: %s", c.account, key)
		return &f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.throttle[key] > 0 {
		s.throttle[key]--
		s.throttled++
		f := h.throttled
		return &f
	}
	for _, q := range s.opts.Quotas {
		if !slices.Contains(q.Match, key) && !slices.Contains(q.Match, c.service) {
			continue
		}
		bucketKey := c.account + "/" + c.region + "/" + q.Name
		b := s.buckets[bucketKey]
		if b == nil {
			b = rate.NewLimiter(rate.Limit(q.Rate), q.Burst)
			s.buckets[bucketKey] = b
		}
		if !b.Allow() {
			s.throttled++
			f := h.throttled
			return &f
		}
	}
	return nil
}

// service describes how one service is routed and how it fails.
type service struct {
	// route names the operation of a REST request from its path.
	route func(path string) string
	serve func(s *Server, c *call, w http.ResponseWriter) *fault
	fail  func(w http.ResponseWriter, f fault)
	faults
}

// faults are a service's answers to the injected faults. Services of one
// protocol family answer alike.
type faults struct {
	denied, throttled, notEnabled, expired fault
}

const (
	invalidToken = "The security token included in the request is invalid."
	expiredToken = "The security token included in the request is expired"
)

var (
	restJSONFaults = faults{
		denied:     fault{403, "AccessDeniedException", ""},
		throttled:  fault{429, "TooManyRequestsException", "Too Many Requests"},
		notEnabled: fault{403, "UnrecognizedClientException", invalidToken},
		expired:    fault{403, "ExpiredTokenException", expiredToken},
	}
	jsonFaults = faults{
		denied:     fault{400, "AccessDeniedException", ""},
		throttled:  fault{400, "ThrottlingException", "Rate exceeded"},
		notEnabled: fault{400, "UnrecognizedClientException", invalidToken},
		expired:    fault{400, "ExpiredTokenException", expiredToken},
	}
	queryFaults = faults{
		denied:     fault{403, "AccessDenied", ""},
		throttled:  fault{400, "Throttling", "Rate exceeded"},
		notEnabled: fault{403, "InvalidClientTokenId", invalidToken},
		expired:    fault{400, "ExpiredToken", expiredToken},
	}
	ec2Faults = faults{
		denied:     fault{403, "UnauthorizedOperation", ""},
		throttled:  fault{503, "RequestLimitExceeded", "Request limit exceeded."},
		notEnabled: fault{401, "AuthFailure", "AWS was not able to validate the provided access credentials"},
		// EC2 reports an expired session as an expired request.
		expired: fault{400, "RequestExpired", "Request has expired."},
	}
)

// jsonTargetPrefix is the X-Amz-Target prefix of the JSON services.
var jsonTargetPrefix = map[string]string{"wafv2": "AWSWAF_20190729", "shield": "AWSShield_20160616",
	"organizations": "AWSOrganizationsV20161128"}

// handlers is every service the fake speaks, keyed by gatewatch service key.
var handlers = map[string]*service{
	"apigateway":             {apigatewayRoute, serveAPIGateway, restJSONError, restJSONFaults},
	"apigatewayv2":           {apigatewayV2Route, serveAPIGatewayV2, restJSONError, restJSONFaults},
	"lambda":                 {lambdaRoute, serveLambda, restJSONError, restJSONFaults},
	"elasticloadbalancingv2": {nil, serveELBv2, queryError, queryFaults},
	"sts":                    {nil, serveSTS, queryError, queryFaults},
	"ec2":                    {nil, serveEC2, ec2Error, ec2Faults},
	"wafv2":                  {nil, serveWAFv2, jsonError, jsonFaults},
	"shield":                 {nil, serveShield, jsonError, jsonFaults},
	"organizations":          {nil, serveOrganizations, jsonError, jsonFaults},
	"tagging":                {nil, serveTagging, cborError, jsonFaults},
	"cloudfront":             {cloudfrontRoute, serveCloudFront, queryError, queryFaults},
	// CloudWatch speaks CBOR now but keeps its query-era error codes.
	"cloudwatch": {nil, serveCloudWatch, cborError, queryFaults},
}

// pageOf returns the page of items starting at the offset token, and the
// token of the next page ("" on the last). limit is what the client asked
// for; the server's PageSize caps it.
func pageOf[T any](s *Server, items []T, token string, limit int) ([]T, string) {
	start, _ := strconv.Atoi(token)
	start = min(max(start, 0), len(items))
	size := limit
	if s.opts.PageSize > 0 && (size <= 0 || s.opts.PageSize < size) {
		size = s.opts.PageSize
	}
	if size <= 0 {
		size = len(items)
	}
	end := min(start+size, len(items))
	if end < len(items) {
		return items[start:end], strconv.Itoa(end)
	}
	return items[start:end], ""
}

// ofScope keeps the resources of c's account and region.
func ofScope[T any](c *call, items []T, where func(T) (account, region string)) []T {
	var out []T
	for _, it := range items {
		if a, r := where(it); a == c.account && r == c.region {
			out = append(out, it)
		}
	}
	return out
}

func notFound(code, what string) *fault {
	return &fault{404, code, what + " not found"}
}
