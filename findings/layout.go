package findings

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
)

// The HTML picture is a layered drawing of the topology, the way Graphviz's
// dot and ELK draw flows (Sugiyama's method):
//
//  1. columns by kind, left to right, each edge pointing right: a node
//     sits one column right of everything that sends to it (an ALB behind
//     an NLB's target group gets a column of its own), and a column holds
//     one kind of node;
//  2. an edge that spans several columns gets a lane in each column it
//     crosses, a slot between the boxes reserved for it;
//  3. boxes and lanes are ordered within their column by barycentre sweeps
//     to reduce crossings, keeping the order with the fewest;
//  4. each column is placed vertically as close to its neighbours as the
//     order and the spacing allow (isotonic regression, pool adjacent
//     violators), so edges run as straight as they can;
//  5. edges are drawn as curves in the gaps between columns and straight
//     through their lanes inside columns: a gap holds no box and a lane
//     keeps clear of the boxes above and below it, so no edge passes
//     behind a node it does not connect.
//
// Cycles cannot occur between the kinds AWS allows, but a snapshot is
// untrusted input: an edge that would point left or stay in its column
// is routed around the bottom of the picture instead.

// Geometry of the picture, in pixels.
const (
	boxW     = 220
	boxH     = 54
	colGap   = 96
	margin   = 24
	headerH  = 34
	nodeHalf = boxH/2 + 9 // half the height a box takes in its column, spacing included
	laneHalf = 5          // half the height a lane takes
	sweeps   = 12         // barycentre sweeps, alternately rightwards and leftwards
	rounds   = 8          // vertical placement rounds
	labelN   = 28         // characters of a label before it is cut
)

// drawing is the topology laid out: boxes and edge paths in pixels.
type drawing struct {
	W, H    int
	Columns []drawColumn
	Boxes   []drawBox
	Edges   []drawEdge
}

type drawColumn struct {
	X    int // centre
	Name string
}

type drawBox struct {
	Node       *topoNode
	X, Y, W, H int
}

type drawEdge struct {
	Edge topoEdge
	// D is the SVG path: M, L and C commands in absolute coordinates.
	D string
	// Around is true for an edge routed around the bottom because it
	// points left (a cycle in the snapshot).
	Around bool
}

// slot is a box or a lane in a column.
type slot struct {
	node     *topoNode // nil for a lane
	col, pos int
	band     int // its group of connected nodes; columns keep bands apart
	// top pins the clients and their trunk to the top of the picture: a
	// bus along the top edge that drops to each entry point.
	top      bool
	y        float64 // centre
	up, down []*slot // neighbours in the columns left and right
	key      float64
}

func (s *slot) half() float64 {
	if s.node == nil {
		return laneHalf
	}
	return nodeHalf
}

// layoutTopology draws t.
func layoutTopology(t *topology) *drawing {
	col, around := assignColumns(t)

	// Columns in use, renumbered from 0.
	used := map[int]bool{}
	for _, c := range col {
		used[c] = true
	}
	remap := map[int]int{}
	for i, c := range slices.Sorted(func(yield func(int) bool) {
		for c := range used {
			if !yield(c) {
				return
			}
		}
	}) {
		remap[c] = i
	}
	cols := make([][]*slot, len(remap))
	slots := make(map[*topoNode]*slot, len(t.Nodes))
	band := bands(t)
	for i, n := range t.Nodes {
		c := remap[col[i]]
		s := &slot{node: n, col: c, pos: len(cols[c]), band: band[n], top: n.Layer == layerClients}
		cols[c] = append(cols[c], s)
		slots[n] = s
	}
	// Lanes for edges that span columns. The long edges of one source
	// share their lanes, a trunk they leave one by one at their targets'
	// columns: hundreds of client edges cross the picture as one line,
	// not hundreds.
	type trunk struct {
		from *topoNode
		col  int
	}
	lanes := map[trunk]*slot{}
	chains := make([][]*slot, len(t.Edges))
	for i, e := range t.Edges {
		if around[i] {
			continue
		}
		prev, to := slots[e.From], slots[e.To]
		for c := prev.col + 1; c < to.col; c++ {
			lane := lanes[trunk{e.From, c}]
			if lane == nil {
				lane = &slot{col: c, pos: len(cols[c]), band: band[e.From], top: e.From.Layer == layerClients}
				lanes[trunk{e.From, c}] = lane
				cols[c] = append(cols[c], lane)
				link(prev, lane)
			}
			chains[i] = append(chains[i], lane)
			prev = lane
		}
		link(prev, to)
	}

	for _, c := range cols {
		slices.SortStableFunc(c, func(a, b *slot) int { return a.band - b.band })
		for i, s := range c {
			s.pos = i
		}
	}
	order(cols)
	place(cols)

	d := &drawing{}
	colX := func(c int) int { return margin + c*(boxW+colGap) }
	bottom := 0
	for c, slots := range cols {
		minLayer := layerCount
		for _, s := range slots {
			if s.node != nil {
				minLayer = min(minLayer, s.node.Layer)
				box := drawBox{Node: s.node, X: colX(c), Y: int(math.Round(s.y)) - boxH/2, W: boxW, H: boxH}
				d.Boxes = append(d.Boxes, box)
				bottom = max(bottom, box.Y+box.H)
			}
		}
		name := ""
		if minLayer < layerCount {
			name = layerNames[minLayer]
		}
		d.Columns = append(d.Columns, drawColumn{X: colX(c) + boxW/2, Name: name})
	}
	boxes := make(map[*topoNode]drawBox, len(d.Boxes))
	for _, b := range d.Boxes {
		boxes[b.Node] = b
	}
	out, in := ports(t, slots, chains, around, boxes)
	aroundN := 0
	for i, e := range t.Edges {
		from, to := boxes[e.From], boxes[e.To]
		x0, y0 := from.X+from.W, out[i]
		x1, y1 := to.X, in[i]
		if around[i] {
			// Out to the gap right of the source, down below every box,
			// left to the gap before the target, up, and in.
			off := 10 + 5*(aroundN%8)
			yb := bottom + 16 + 8*aroundN
			gapR, gapL := x0+off, x1-min(off, margin-4)
			d.Edges = append(d.Edges, drawEdge{Edge: e, Around: true,
				D: fmt.Sprintf("M%d %d L%d %d L%d %d L%d %d L%d %d L%d %d", x0, y0, gapR, y0, gapR, yb, gapL, yb, gapL, y1, x1, y1)})
			aroundN++
			continue
		}
		var p strings.Builder
		fmt.Fprintf(&p, "M%d %d", x0, y0)
		x, y := x0, y0
		for _, lane := range chains[i] {
			ly := int(math.Round(lane.y))
			lx := colX(lane.col)
			curve(&p, x, y, lx, ly)
			fmt.Fprintf(&p, " L%d %d", lx+boxW, ly)
			x, y = lx+boxW, ly
		}
		curve(&p, x, y, x1, y1)
		d.Edges = append(d.Edges, drawEdge{Edge: e, D: p.String()})
	}
	// Edges to flagged nodes last, drawn over the others on a shared trunk.
	slices.SortStableFunc(d.Edges, func(a, b drawEdge) int {
		return cmp.Compare(a.Edge.To.Worst.Rank(), b.Edge.To.Worst.Rank())
	})
	if aroundN > 0 {
		bottom += 16 + 8*aroundN
	}
	d.W = colX(len(cols)) - colGap + margin
	d.H = bottom + margin
	return d
}

func link(a, b *slot) {
	a.down = append(a.down, b)
	b.up = append(b.up, a)
}

// curve writes a cubic from (x0, y0) to (x1, y1) that leaves and arrives
// horizontally; its x grows monotonically, so it stays inside the gap.
func curve(p *strings.Builder, x0, y0, x1, y1 int) {
	if y0 == y1 {
		fmt.Fprintf(p, " L%d %d", x1, y1)
		return
	}
	mid := (x0 + x1) / 2
	fmt.Fprintf(p, " C%d %d %d %d %d %d", mid, y0, mid, y1, x1, y1)
}

// assignColumns gives each node its column: its kind's layer, pushed right
// of everything that sends to it, and right again while its column holds
// a kind that comes earlier. Edges that close a cycle, and any edge left
// pointing left, are marked to be routed around.
func assignColumns(t *topology) (col []int, around []bool) {
	index := make(map[*topoNode]int, len(t.Nodes))
	for i, n := range t.Nodes {
		index[n] = i
	}
	outs := make([][]int, len(t.Nodes)) // edge indices by source
	for i, e := range t.Edges {
		outs[index[e.From]] = append(outs[index[e.From]], i)
	}
	around = make([]bool, len(t.Edges))
	// Depth-first search, iterative: an edge to a node on the stack
	// closes a cycle.
	const (
		unseen = iota
		onStack
		done
	)
	state := make([]uint8, len(t.Nodes))
	type frame struct{ node, next int }
	for start := range t.Nodes {
		if state[start] != unseen {
			continue
		}
		stack := []frame{{start, 0}}
		state[start] = onStack
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			if f.next == len(outs[f.node]) {
				state[f.node] = done
				stack = stack[:len(stack)-1]
				continue
			}
			e := outs[f.node][f.next]
			f.next++
			to := index[t.Edges[e].To]
			switch state[to] {
			case onStack:
				around[e] = true
			case unseen:
				state[to] = onStack
				stack = append(stack, frame{to, 0})
			}
		}
	}
	// Topological order of what is left (Kahn).
	indeg := make([]int, len(t.Nodes))
	for i, e := range t.Edges {
		if !around[i] {
			indeg[index[e.To]]++
		}
	}
	var topo []int
	for i := range t.Nodes {
		if indeg[i] == 0 {
			topo = append(topo, i)
		}
	}
	for k := 0; k < len(topo); k++ {
		for _, e := range outs[topo[k]] {
			if around[e] {
				continue
			}
			to := index[t.Edges[e].To]
			if indeg[to]--; indeg[to] == 0 {
				topo = append(topo, to)
			}
		}
	}
	col = make([]int, len(t.Nodes))
	for i, n := range t.Nodes {
		col[i] = n.Layer
	}
	// Each round only moves nodes right, and a column can only be pushed
	// by the columns left of it: a few rounds settle any real account. The
	// bound is for hostile input; what it leaves unsettled is routed
	// around.
	for range 4 * layerCount {
		changed := false
		for _, u := range topo {
			for _, e := range outs[u] {
				if v := index[t.Edges[e].To]; !around[e] && col[v] <= col[u] {
					col[v], changed = col[u]+1, true
				}
			}
		}
		first := map[int]int{} // column -> earliest layer in it
		for i, n := range t.Nodes {
			if l, ok := first[col[i]]; !ok || n.Layer < l {
				first[col[i]] = n.Layer
			}
		}
		for i, n := range t.Nodes {
			if n.Layer > first[col[i]] {
				col[i]++
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	for i, e := range t.Edges {
		if col[index[e.To]] <= col[index[e.From]] {
			around[i] = true
		}
	}
	return col, around
}

// bands groups the nodes that are connected other than through the
// clients, one account's entry points and backends mostly, and numbers the
// groups by account and then by node order; the clients come first. Each
// column keeps its bands in that order, so an organisation reads account
// by account and no band's edges cross another's.
func bands(t *topology) map[*topoNode]int {
	parent := make(map[*topoNode]*topoNode, len(t.Nodes))
	root := func(n *topoNode) *topoNode {
		for parent[n] != n {
			parent[n] = parent[parent[n]]
			n = parent[n]
		}
		return n
	}
	for _, n := range t.Nodes {
		parent[n] = n
	}
	for _, e := range t.Edges {
		if e.From.Layer != layerClients && e.To.Layer != layerClients {
			parent[root(e.From)] = root(e.To)
		}
	}
	first := map[*topoNode]int{} // component root -> its first node's index
	for i, n := range t.Nodes {
		if _, ok := first[root(n)]; !ok {
			first[root(n)] = i
		}
	}
	roots := slices.Collect(maps.Keys(first))
	slices.SortFunc(roots, func(a, b *topoNode) int {
		x, y := t.Nodes[first[a]], t.Nodes[first[b]]
		return cmp.Or(cmp.Compare(min(x.Layer, 1), min(y.Layer, 1)), strings.Compare(x.Account, y.Account), first[a]-first[b])
	})
	rank := make(map[*topoNode]int, len(roots))
	for i, r := range roots {
		rank[r] = i
	}
	out := make(map[*topoNode]int, len(t.Nodes))
	for _, n := range t.Nodes {
		out[n] = rank[root(n)]
	}
	return out
}

// order sorts each column by barycentre sweeps and keeps the order with
// the fewest crossings.
func order(cols [][]*slot) {
	renumber := func(c []*slot) {
		for i, s := range c {
			s.pos = i
		}
	}
	best, bestOrder := crossings(cols), snapshotOrder(cols)
	for sweep := range sweeps {
		rightwards := sweep%2 == 0
		for k := 1; k < len(cols); k++ {
			c := k
			if !rightwards {
				c = len(cols) - 1 - k
			}
			free := cols[c]
			for _, s := range free {
				nbrs, fixedLen := s.up, 0
				if rightwards {
					fixedLen = len(cols[c-1])
				} else {
					nbrs, fixedLen = s.down, len(cols[c+1])
				}
				if len(nbrs) == 0 {
					// Nothing pulls it: keep its relative place.
					s.key = float64(s.pos) * float64(fixedLen) / float64(max(len(free), 1))
					continue
				}
				sum := 0.0
				for _, n := range nbrs {
					sum += float64(n.pos)
				}
				s.key = sum / float64(len(nbrs))
			}
			slices.SortStableFunc(free, func(a, b *slot) int { return cmp.Or(a.band-b.band, cmp.Compare(a.key, b.key)) })
			renumber(free)
		}
		if n := crossings(cols); n < best {
			best, bestOrder = n, snapshotOrder(cols)
		}
	}
	for c := range cols {
		copy(cols[c], bestOrder[c])
		renumber(cols[c])
	}
}

func snapshotOrder(cols [][]*slot) [][]*slot {
	out := make([][]*slot, len(cols))
	for i, c := range cols {
		out[i] = slices.Clone(c)
	}
	return out
}

// crossings counts pairs of segments that cross between adjacent columns:
// the inversions of the right ends once sorted by the left ends, counted
// with a Fenwick tree (Barth, Jünger and Mutzel).
func crossings(cols [][]*slot) int {
	total := 0
	for c := 0; c+1 < len(cols); c++ {
		var segs [][2]int
		for _, s := range cols[c] {
			for _, n := range s.down {
				segs = append(segs, [2]int{s.pos, n.pos})
			}
		}
		slices.SortFunc(segs, func(a, b [2]int) int { return cmp.Or(a[0]-b[0], a[1]-b[1]) })
		tree := make([]int, len(cols[c+1])+1)
		for i, sg := range segs {
			// Segments seen so far whose right end is below this one's.
			le := 0
			for j := sg[1] + 1; j > 0; j -= j & -j {
				le += tree[j]
			}
			total += i - le
			for j := sg[1] + 1; j < len(tree); j += j & -j {
				tree[j]++
			}
		}
	}
	return total
}

// place sets the vertical centres: stacked at first, then moved in rounds
// toward the mean of their neighbours, each column solved exactly under
// its order and spacing.
func place(cols [][]*slot) {
	for _, c := range cols {
		y := 0.0
		for i, s := range c {
			if i > 0 {
				y += c[i-1].half() + s.half()
			}
			s.y = y
		}
	}
	for round := range rounds {
		for k := range cols {
			c := k
			if round%2 == 1 {
				c = len(cols) - 1 - k
			}
			slots := cols[c]
			// Index 0 is a floor at the top of the picture, which every
			// column stays below: the clients' bus runs along it.
			want, weight, gap := make([]float64, len(slots)+1), make([]float64, len(slots)+1), make([]float64, len(slots)+1)
			weight[0] = 1e9
			if len(slots) > 0 {
				gap[0] = slots[0].half()
			}
			for k, s := range slots {
				i := k + 1
				n, sum := 0, 0.0
				for _, x := range s.up {
					n, sum = n+1, sum+x.y
				}
				for _, x := range s.down {
					n, sum = n+1, sum+x.y
				}
				switch {
				case s.top:
					want[i], weight[i] = s.half(), 1e6
				case n == 0:
					want[i], weight[i] = s.y, 0.01
				default:
					want[i], weight[i] = sum/float64(n), float64(n)
				}
				if k > 0 {
					gap[i-1] = slots[k-1].half() + s.half()
				}
			}
			for i, y := range isotonic(want, weight, gap)[1:] {
				slots[i].y = y
			}
		}
	}
	// Shift the whole picture below the column headers.
	top := math.Inf(1)
	for _, c := range cols {
		if len(c) > 0 {
			top = min(top, c[0].y-c[0].half())
		}
	}
	for _, c := range cols {
		for _, s := range c {
			s.y = math.Round(s.y - top + margin + headerH)
		}
	}
}

// isotonic returns ys minimising Σ weight·(y−want)² subject to
// y[i+1] − y[i] ≥ gap[i], by pooling adjacent violators on the offsets.
func isotonic(want, weight, gap []float64) []float64 {
	n := len(want)
	off := make([]float64, n)
	for i := 1; i < n; i++ {
		off[i] = off[i-1] + gap[i-1]
	}
	type block struct {
		sum, w     float64
		start, end int
	}
	var stack []block
	for i := range n {
		b := block{sum: weight[i] * (want[i] - off[i]), w: weight[i], start: i, end: i}
		for len(stack) > 0 {
			top := stack[len(stack)-1]
			if top.sum/top.w < b.sum/b.w {
				break
			}
			b = block{sum: top.sum + b.sum, w: top.w + b.w, start: top.start, end: b.end}
			stack = stack[:len(stack)-1]
		}
		stack = append(stack, b)
	}
	ys := make([]float64, n)
	for _, b := range stack {
		for i := b.start; i <= b.end; i++ {
			ys[i] = b.sum/b.w + off[i]
		}
	}
	return ys
}

// ports spreads the edges that leave (out) and enter (in) each box along
// its right and left sides, in the order of what is at their other end,
// so edges of one node do not cross at the box.
func ports(t *topology, slots map[*topoNode]*slot, chains [][]*slot, around []bool, boxes map[*topoNode]drawBox) (out, in []int) {
	out, in = make([]int, len(t.Edges)), make([]int, len(t.Edges))
	// The y of the slot an edge goes to next after leaving, and comes
	// from before entering.
	next := func(i int) float64 {
		if around[i] {
			return math.Inf(1)
		}
		if len(chains[i]) > 0 {
			return chains[i][0].y
		}
		return slots[t.Edges[i].To].y
	}
	prev := func(i int) float64 {
		if around[i] {
			return math.Inf(1)
		}
		if c := chains[i]; len(c) > 0 {
			return c[len(c)-1].y
		}
		return slots[t.Edges[i].From].y
	}
	leaving := map[*topoNode][]int{}
	entering := map[*topoNode][]int{}
	for i, e := range t.Edges {
		leaving[e.From] = append(leaving[e.From], i)
		entering[e.To] = append(entering[e.To], i)
	}
	// Edges that share their next (or previous) slot, a trunk, share a
	// port too.
	spread := func(edges map[*topoNode][]int, key func(int) float64, via func(int) *slot, dst []int) {
		for n, es := range edges {
			slices.SortStableFunc(es, func(a, b int) int { return cmp.Compare(key(a), key(b)) })
			var groups [][]int
			for k, i := range es {
				if k > 0 && via(i) != nil && via(i) == via(es[k-1]) {
					groups[len(groups)-1] = append(groups[len(groups)-1], i)
					continue
				}
				groups = append(groups, []int{i})
			}
			b := boxes[n]
			for k, g := range groups {
				for _, i := range g {
					dst[i] = b.Y + 6 + (b.H-12)*(k+1)/(len(groups)+1)
				}
			}
		}
	}
	first := func(i int) *slot {
		if around[i] || len(chains[i]) == 0 {
			return nil
		}
		return chains[i][0]
	}
	spread(leaving, next, first, out)
	spread(entering, prev, func(int) *slot { return nil }, in)
	return out, in
}
