package wizard

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/sgwiz/sgwiz/aws"
	"github.com/sgwiz/sgwiz/model"
)

// Cloud is what the wizard asks of AWS; *aws.Client is one. The wizard
// calls it only from commands, never from Update.
type Cloud interface {
	WhoAmI(ctx context.Context) (aws.Identity, error)
	VPCs(ctx context.Context) ([]aws.VPC, error)
	Plan(ctx context.Context, p model.Plan) (aws.Changes, error)
	ApplyProgress(ctx context.Context, ch aws.Changes, progress aws.Progress) (aws.Result, error)
	Import(ctx context.Context, ids ...string) (model.Plan, error)
	// Groups and PrefixLists feed the pickers.
	Groups(ctx context.Context, vpc string) ([]aws.GroupInfo, error)
	PrefixLists(ctx context.Context) ([]aws.PrefixList, error)
	// Inventory reads the region for an audit; WithRuleTags gives an
	// audited group its rules' ids and tags, which its fix keeps.
	Inventory(ctx context.Context) (model.Inventory, int, error)
	WithRuleTags(ctx context.Context, groups ...model.Group) ([]model.Group, error)
	// Instances, PlanAttach and Attach put a group on an instance.
	Instances(ctx context.Context, vpc string, ids ...string) ([]aws.Instance, error)
	PlanAttach(ctx context.Context, r aws.AttachRequest) (aws.Attachment, error)
	Attach(ctx context.Context, a aws.Attachment) error
	// Users says which network interfaces carry a group.
	Users(ctx context.Context, group string) ([]aws.User, error)
}

// callTimeout bounds a look-up; apply has its own, longer one.
const callTimeout = 30 * time.Second

// call runs f in the background with a context bounded by callTimeout:
// every look-up of AWS is a tea.Cmd made with it, never a call in a step.
func call(f func(ctx context.Context) tea.Msg) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		return f(ctx)
	}
}

// identityMsg answers WhoAmI at start.
type identityMsg struct {
	id  aws.Identity
	err error
}

func whoAmI(c Cloud) tea.Cmd {
	return call(func(ctx context.Context) tea.Msg {
		id, err := c.WhoAmI(ctx)
		return identityMsg{id, err}
	})
}

// vpcsMsg lists the region's VPCs for the details step.
type vpcsMsg struct {
	vpcs []aws.VPC
	err  error
}

func listVPCs(c Cloud) tea.Cmd {
	return call(func(ctx context.Context) tea.Msg {
		v, err := c.VPCs(ctx)
		return vpcsMsg{v, err}
	})
}

// changesMsg is the change an apply would make.
type changesMsg struct {
	ch  aws.Changes
	err error
}

func planChanges(c Cloud, p model.Plan) tea.Cmd {
	return call(func(ctx context.Context) tea.Msg {
		ch, err := c.Plan(ctx, p)
		return changesMsg{ch, err}
	})
}

// appliedMsg is the outcome of an apply.
type appliedMsg struct {
	res aws.Result
	err error
}

// callMsg is one call of a running apply starting or ending.
type callMsg struct {
	call   string
	done   bool
	err    error
	events chan tea.Msg
}

// applyChanges runs the apply in the background; its progress comes back
// as callMsgs and its end as an appliedMsg.
func applyChanges(ctx context.Context, c Cloud, ch aws.Changes) tea.Cmd {
	events := make(chan tea.Msg, 64)
	go func() {
		res, err := c.ApplyProgress(ctx, ch, func(call string, done bool, err error) {
			events <- callMsg{call: call, done: done, err: err}
		})
		events <- appliedMsg{res, err}
		close(events)
	}()
	return listen(events)
}

// listen waits for the next event of a running apply.
func listen(events chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-events
		if !ok {
			return nil
		}
		if c, isCall := msg.(callMsg); isCall {
			c.events = events
			return c
		}
		return msg
	}
}

func importGroups(c Cloud, ids ...string) tea.Cmd {
	return call(func(ctx context.Context) tea.Msg {
		p, err := c.Import(ctx, ids...)
		return planLoadedMsg{plan: p, err: err}
	})
}

// openFix reads the rules' tags of an audited group and opens it with the
// fix of its findings (model.Tighten) at the review.
func openFix(c Cloud, g model.Group, findings []model.Finding, office []netip.Prefix) tea.Cmd {
	return call(func(ctx context.Context) tea.Msg {
		read, err := c.WithRuleTags(ctx, g)
		if err != nil {
			return planLoadedMsg{err: fmt.Errorf("the fix of %s keeps its rules' tags, and they cannot be read: %w", g.ID, err)}
		}
		fixed := model.Tighten(read[0], findings, office)
		msg := planLoadedMsg{plan: model.Plan{Groups: []model.Group{fixed}}, fixOf: g.ID}
		if !changed(read[0], fixed) {
			msg.fixOf = ""
		}
		return msg
	})
}

// auditedMsg is the region's inventory, for the start screen's audit.
type auditedMsg struct {
	inv model.Inventory
	err error
}

func runAudit(c Cloud) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 5*callTimeout)
		defer cancel()
		inv, _, err := c.Inventory(ctx)
		return auditedMsg{inv, err}
	}
}
