package aws_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	sgaws "github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/aws/awstest"
	"github.com/sgwiz/sgwiz/export"
	"github.com/sgwiz/sgwiz/internal/mototest"
	"github.com/sgwiz/sgwiz/internal/statetest"
	"github.com/sgwiz/sgwiz/model"
)

// TestWhatSgwizOwnsConverges is the property of "sgwiz knows what it owns":
// for random plans and random sequences of applying one plan or another,
// importing, sgwiz allow, sgwiz sweep, and an apply killed between two of
// its calls, every apply leaves AWS holding the json export of its plan,
// and a second apply of the last plan makes no call that changes anything.
// Temporary rules (sgwiz allow's, which the plan does not hold) are left
// out of the comparison: apply keeps them for sweep.
//
// A run is a seed: TestWhatSgwizOwnsConverges/sandbox/seed-17 replays one;
// SGWIZ_SEEDS=600 makes that many runs on each engine (the suite makes 60
// on the sandbox and 6 on moto).
func TestWhatSgwizOwnsConverges(t *testing.T) {
	t.Parallel()
	more, _ := strconv.Atoi(os.Getenv("SGWIZ_SEEDS"))
	for _, engine := range []struct {
		name  string
		seeds int
		url   func(t *testing.T) string
	}{
		// The sandbox follows AWS and answers in microseconds: many runs.
		{"sandbox", 60, func(t *testing.T) string {
			sb := awstest.NewServer()
			t.Cleanup(sb.Close)
			return sb.URL
		}},
		// moto, the independent peer: a few.
		{"moto", 6, func(t *testing.T) string { return mototest.NewAccount(t).URL }},
	} {
		t.Run(engine.name, func(t *testing.T) {
			t.Parallel()
			var names []string
			if more > 0 {
				engine.seeds = more
			}
			for seed := range engine.seeds {
				names = append(names, fmt.Sprintf("seed-%d", seed))
			}
			fanOut(t, 4, names, func(t *testing.T, seed int) {
				rng := rand.New(rand.NewPCG(uint64(seed), 15))
				w := newWorld(t, engine.url(t), rng)
				// moto keeps an IPv6 outbound rule it is told to revoke, and
				// the description of a rule naming a group or prefix list it
				// is told to change (MOTO.md): its plans do neither; the
				// sandbox's do both.
				w.moto = engine.name == "moto"
				w.run(6)
			})
		})
	}
}

// world is one account, the clients that reach it, and what the
// sequence did so far.
type world struct {
	t    *testing.T
	rng  *rand.Rand
	url  string
	c    *sgaws.Client
	rec  *mototest.Recorder
	kill *killSwitch
	// killable is a client whose calls fail, as a killed process's do,
	// once its switch is thrown.
	killable *sgaws.Client
	now      time.Time
	last     *model.Plan // the last plan applied to the end
	log      []string
	// moto leaves out of the plans what moto does not do as AWS does.
	moto bool
}

// killSwitch fails every call after the first n that change something:
// the state of AWS is then what a process killed there leaves (its
// rollback's calls fail too). The calls let through end whatever happens
// to their caller, and inFlight waits for them: a call the process sent
// before it died has reached AWS by the time anyone looks.
type killSwitch struct {
	mu       sync.Mutex
	n        int // calls left; -1: never fail
	next     http.RoundTripper
	inFlight sync.WaitGroup
}

func (k *killSwitch) RoundTrip(r *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	form, _ := url.ParseQuery(string(body))
	action := form.Get("Action")
	k.mu.Lock()
	dead := k.n == 0
	if !dead && k.n > 0 && !strings.HasPrefix(action, "Describe") {
		k.n--
	}
	if !dead {
		k.inFlight.Add(1)
	}
	k.mu.Unlock()
	if dead {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: fmt.Errorf("killed")}
	}
	defer k.inFlight.Done()
	resp, err := k.next.RoundTrip(r.Clone(context.WithoutCancel(r.Context())))
	if err == nil {
		// Read the answer to its end before the caller may stop reading.
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(data))
	}
	return resp, err
}

func newWorld(t *testing.T, url string, rng *rand.Rand) *world {
	c, rec := connect(t, url)
	kill := &killSwitch{n: -1, next: http.DefaultTransport}
	killable, err := sgaws.Connect(context.Background(), sgaws.Options{Region: "us-east-1", EndpointURL: url, MaxAttempts: 1,
		HTTPClient: &http.Client{Transport: kill}, Credentials: testCredentials})
	if err != nil {
		t.Fatal(err)
	}
	return &world{t: t, rng: rng, url: url, c: c, rec: rec, kill: kill, killable: killable,
		now: time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)}
}

// run makes n random steps, finishes a killed apply, and checks the end.
func (w *world) run(n int) {
	t := w.t
	defer func() {
		if t.Failed() {
			t.Logf("the steps:\n%s", strings.Join(w.log, "\n"))
		}
	}()
	var pending *model.Plan // a plan whose apply was killed
	for range n {
		switch op := w.rng.IntN(10); {
		case op < 4 || w.last == nil:
			p := w.randomPlan()
			pending = nil
			w.apply(p)
		case op < 5:
			w.importLast()
		case op < 6:
			w.allow()
		case op < 7:
			w.sweep()
		default:
			p := w.randomPlan()
			if w.applyKilled(p) {
				pending = &p
			}
		}
		if t.Failed() {
			return
		}
	}
	if pending != nil {
		w.apply(*pending) // the operator runs it again to finish
	}
	if w.last == nil || t.Failed() {
		return
	}
	w.rec.Actions()
	ch, err := w.c.Plan(context.Background(), *w.last)
	if err != nil {
		t.Fatal(err)
	}
	if !ch.Empty() {
		t.Errorf("a second apply of the last plan would change:\n%s", strings.Join(ch.Lines(), "\n"))
	}
	if _, err := w.c.Apply(context.Background(), ch); err != nil {
		t.Fatal(err)
	}
	if m := mototest.Mutating(w.rec.Actions()); m != 0 {
		t.Errorf("the second apply made %d calls that change something", m)
	}
}

// randomPlan is a preset with random answers, names from a small set (so
// that plans meet each other's groups), maybe a name of its own (the owner
// tag), rule tags, a changed description, a temporary admin rule, and a
// reference to one of its groups by the id it has now.
func (w *world) randomPlan() model.Plan {
	t, rng := w.t, w.rng
	ids := []string{"web", "alb", "three-tier", "bastion", "database", "windows"}
	u, _ := model.LookupUseCase(ids[rng.IntN(len(ids))])
	in := model.Inputs{Name: []string{"", "shop", "web"}[rng.IntN(3)], Office: office}
	if u.AsksEngine {
		in.Engine = model.Engines[rng.IntN(len(model.Engines))]
	}
	if rng.IntN(3) == 0 {
		in.Egress = u.Egresses[rng.IntN(len(u.Egresses))]
		if in.Egress == model.EgressWebDB {
			in.Egress = model.EgressDefault
		}
	}
	if rng.IntN(4) == 0 {
		in.AdminUntil = time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC) // sweep never reaches it
	}
	p, err := u.Build(in)
	if err != nil {
		t.Fatalf("%s %+v: %v", u.ID, in, err)
	}
	p.Name = []string{"", "", "a", "b"}[rng.IntN(4)]
	held := w.groupIDs()
	for gi := range p.Groups {
		g := &p.Groups[gi]
		for _, d := range []model.Direction{model.Ingress, model.Egress} {
			rules := g.Rules(d)
			for ri := range rules {
				r := &rules[ri]
				switch rng.IntN(8) {
				case 0:
					r.Tags = model.NewTags(model.Tag{Key: "team", Value: []string{"a", "b"}[rng.IntN(2)]})
				case 1:
					if _, temporary := model.ExpiryOf(r.Description); !temporary && (r.Peer.IsCIDR() || !w.moto) {
						r.Description = "changed " + fmt.Sprint(rng.IntN(3))
					}
				case 2:
					if id, ok := held[r.Peer.Ref()]; ok && r.Peer.Kind() == model.PeerGroup {
						r.Peer = model.GroupID(id) // the same group, by its id
					}
				}
			}
		}
	}
	if w.moto {
		for gi := range p.Groups {
			g := &p.Groups[gi]
			g.Egress = slices.DeleteFunc(g.Egress, func(r model.Rule) bool { return r.Peer.Kind() == model.PeerIPv6 })
		}
	}
	if err := p.Validate(); err != nil {
		t.Fatalf("random plan: %v", err)
	}
	return p
}

// groupIDs are the default VPC's groups, by name.
func (w *world) groupIDs() map[string]string {
	groups, err := w.c.Groups(context.Background(), "")
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[string]string{}
	for _, g := range groups {
		out[g.Name] = g.ID
	}
	return out
}

// apply applies p as the operator who confirmed adopting groups does, and
// checks that AWS holds its json export.
func (w *world) apply(p model.Plan) {
	w.log = append(w.log, fmt.Sprintf("apply %s (name %q): %s", p.UseCase, p.Name, strings.Join(groupNames(p), ", ")))
	ch, err := w.c.Plan(context.Background(), p)
	if err != nil {
		w.t.Fatalf("plan: %v", err)
	}
	if _, err := w.c.Apply(context.Background(), ch); err != nil {
		w.t.Fatalf("apply: %v\n%s", err, strings.Join(ch.Lines(), "\n"))
	}
	w.last = &p
	w.log = append(w.log, strings.Join(ch.Lines(), "\n"))
	w.check(p)
}

// asHeld is p with the descriptions of groups that existed before an
// apply as AWS holds them (AWS cannot change a group's description, and
// apply says so, GroupChange.Fixed, rather than change it), and its groups
// named by id resolved as apply resolves them.
func (w *world) asHeld(p model.Plan) model.Plan {
	q := p.Clone()
	held, err := w.c.Groups(context.Background(), "")
	if err != nil {
		w.t.Fatal(err)
	}
	known := map[string]string{} // id → name, of the plan's groups
	for i := range q.Groups {
		for _, h := range held {
			if h.Name == q.Groups[i].Name {
				q.Groups[i].Description = h.Description
				known[h.ID] = h.Name
			}
		}
	}
	// A rule naming a group of the plan by its id is the rule naming it by
	// name, as apply reads it.
	return q.ResolveGroupIDs(known)
}

// applyKilled applies p with a client killed after a random number of
// its calls; it reports whether the kill came before the apply ended.
func (w *world) applyKilled(p model.Plan) bool {
	ch, err := w.killable.Plan(context.Background(), p)
	if err != nil {
		w.t.Fatalf("plan: %v", err)
	}
	k := 1 + w.rng.IntN(max(1, len(ch.Calls())))
	w.log = append(w.log, fmt.Sprintf("apply %s (name %q) killed after %d of %d calls: %s", p.UseCase, p.Name, k, len(ch.Calls()), strings.Join(groupNames(p), ", ")))
	w.kill.mu.Lock()
	w.kill.n = k
	w.kill.mu.Unlock()
	_, err = w.killable.Apply(context.Background(), ch)
	w.kill.inFlight.Wait()
	w.kill.mu.Lock()
	w.kill.n = -1
	w.kill.mu.Unlock()
	if err == nil {
		w.last = &p
		w.check(p)
		return false
	}
	w.last = nil
	return true
}

// importLast imports the last plan's groups; applying the import changes
// nothing.
func (w *world) importLast() {
	var ids []string
	held := w.groupIDs()
	for _, g := range w.last.Groups {
		ids = append(ids, held[g.Name])
	}
	w.log = append(w.log, "import "+strings.Join(ids, " "))
	p, err := w.c.Import(context.Background(), ids...)
	if err != nil {
		w.t.Fatalf("import: %v", err)
	}
	ch, err := w.c.Plan(context.Background(), p)
	if err != nil {
		w.t.Fatalf("plan of the import: %v", err)
	}
	if !ch.Empty() {
		w.t.Errorf("applying an import would change:\n%s", strings.Join(ch.Lines(), "\n"))
	}
	w.last = &p
}

// allow opens SSH to a random address of a few for a random while in one
// of the last plan's groups.
func (w *world) allow() {
	g := w.last.Groups[w.rng.IntN(len(w.last.Groups))]
	id := w.groupIDs()[g.Name]
	from := model.CIDR(netip.PrefixFrom(netip.AddrFrom4([4]byte{198, 51, 100, byte(1 + w.rng.IntN(3))}), 32))
	if w.rng.IntN(3) == 0 {
		from = model.CIDR(office[0]) // the plan may hold it for good
	}
	until := w.now.Add(time.Duration(1+w.rng.IntN(120)) * time.Minute)
	w.log = append(w.log, fmt.Sprintf("allow ssh in %s (%s) from %s until %s", g.Name, id, from, model.FormatExpiry(until)))
	svc, _ := model.LookupService("ssh")
	for _, r := range svc.Rules(from, "SSH for a while") {
		a, err := w.c.PlanAllow(context.Background(), id, model.Ingress, r, until)
		if err == nil {
			_, err = w.c.Allow(context.Background(), a)
		}
		if err != nil {
			w.t.Fatalf("allow: %v", err)
		}
	}
}

// sweep moves the clock on and sweeps.
func (w *world) sweep() {
	w.now = w.now.Add(time.Duration(w.rng.IntN(90)) * time.Minute)
	w.log = append(w.log, "sweep at "+model.FormatExpiry(w.now))
	if _, err := w.c.Sweep(context.Background(), w.now, false); err != nil {
		w.t.Fatalf("sweep: %v", err)
	}
	if w.last != nil {
		w.check(*w.last)
	}
}

// check compares AWS with the plan's json export, leaving out temporary
// rules that the plan does not hold (sweep's, kept by apply), and taking
// the descriptions of groups as AWS holds them (asHeld; a new group's is
// the plan's, so this hides nothing apply could do).
func (w *world) check(p model.Plan) {
	w.t.Helper()
	p = w.asHeld(p)
	got := withoutSweeps(w.t, described(w.t, rawEC2(w.t, w.url), "", groupNames(p)), p)
	want := statetest.Normalised(w.t, export.SecurityGroups(p.MergeDuplicates()))
	if got != want {
		w.t.Errorf("after %s, AWS holds:\n%s\nthe json export says:\n%s", strings.SplitN(w.log[len(w.log)-1], "\n", 2)[0], got, want)
	}
}

// withoutSweeps takes out of described groups the rules tagged with an
// expiry that the plan does not hold.
func withoutSweeps(t *testing.T, js string, p model.Plan) string {
	var groups []export.SecurityGroup
	if err := jsonUnmarshal(js, &groups); err != nil {
		t.Fatal(err)
	}
	planned := map[string]bool{}
	for _, g := range p.MergeDuplicates().Groups {
		for _, sg := range export.SecurityGroups(model.Plan{Groups: []model.Group{g}}) {
			for _, perm := range sg.IpPermissions {
				for _, r := range perm.IpRanges {
					planned[fmt.Sprint(g.Name, perm.IpProtocol, *perm.FromPort, r.CidrIp)] = true
				}
			}
		}
	}
	swept := func(tags []export.Tag) bool {
		return slices.ContainsFunc(tags, func(tag export.Tag) bool { return tag.Key == model.ExpiresTag })
	}
	for i := range groups {
		g := &groups[i]
		var perms []export.IpPermission
		for _, perm := range g.IpPermissions {
			var ranges []export.IpRange
			for _, r := range perm.IpRanges {
				if !swept(r.Tags) || perm.FromPort != nil && planned[fmt.Sprint(g.GroupName, perm.IpProtocol, *perm.FromPort, r.CidrIp)] {
					ranges = append(ranges, r)
				}
			}
			perm.IpRanges = append([]export.IpRange{}, ranges...)
			if len(perm.IpRanges)+len(perm.Ipv6Ranges)+len(perm.PrefixListIds)+len(perm.UserIdGroupPairs) > 0 {
				perms = append(perms, perm)
			}
		}
		g.IpPermissions = append([]export.IpPermission{}, perms...)
	}
	return statetest.Normalised(t, groups)
}
