package aws

import (
	"context"
	"fmt"
	"slices"
	"strings"

	sdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/sgwiz/sgwiz/model"
)

// Using groups: which instances and interfaces carry a group, and putting
// a group on (or taking it off) an interface. EC2 replaces an interface's
// whole set of groups at once (ModifyNetworkInterfaceAttribute): sgwiz
// sends the current set plus or minus one, per interface.

// Instance is an instance of the region with its network interfaces.
type Instance struct {
	ID, Name, State, VPC string
	Interfaces           []InstanceInterface
}

// InstanceInterface is one network interface of an instance.
type InstanceInterface struct {
	ID     string
	Device int32
	Groups []string
}

// Primary is the instance's interface at device 0 (nil when it has none).
func (in Instance) Primary() *InstanceInterface {
	for i := range in.Interfaces {
		if in.Interfaces[i].Device == 0 {
			return &in.Interfaces[i]
		}
	}
	return nil
}

// Title is "web-1 (i-0abc…, running)".
func (in Instance) Title() string {
	if in.Name == "" {
		return fmt.Sprintf("%s (%s)", in.ID, in.State)
	}
	return fmt.Sprintf("%s (%s, %s)", in.Name, in.ID, in.State)
}

// Instances lists the region's instances that are not terminated, in vpc
// when given, by name.
func (c *Client) Instances(ctx context.Context, vpc string, ids ...string) ([]Instance, error) {
	in := &ec2.DescribeInstancesInput{InstanceIds: ids, Filters: []types.Filter{{Name: sdk.String("instance-state-name"),
		Values: []string{"pending", "running", "stopping", "stopped"}}}}
	if vpc != "" {
		in.Filters = append(in.Filters, types.Filter{Name: sdk.String("vpc-id"), Values: []string{vpc}})
	}
	var out []Instance
	p := ec2.NewDescribeInstancesPaginator(c.ec2, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			if isCode(err, "InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed") {
				return nil, &Error{Code: "InvalidInstanceID.NotFound", Action: "ec2:DescribeInstances",
					Words: fmt.Sprintf("instance %s does not exist in %s: check the id, or --region", strings.Join(ids, ", "), c.Region), Err: err}
			}
			return nil, explain(err, "")
		}
		for _, r := range page.Reservations {
			for _, i := range r.Instances {
				x := Instance{ID: sdk.ToString(i.InstanceId), VPC: sdk.ToString(i.VpcId)}
				if i.State != nil {
					x.State = string(i.State.Name)
				}
				for _, t := range i.Tags {
					if sdk.ToString(t.Key) == "Name" {
						x.Name = sdk.ToString(t.Value)
					}
				}
				for _, ni := range i.NetworkInterfaces {
					ii := InstanceInterface{ID: sdk.ToString(ni.NetworkInterfaceId), Groups: idsOf(ni.Groups)}
					if ni.Attachment != nil {
						ii.Device = sdk.ToInt32(ni.Attachment.DeviceIndex)
					}
					x.Interfaces = append(x.Interfaces, ii)
				}
				out = append(out, x)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Instance) int { return strings.Compare(a.Name+a.ID, b.Name+b.ID) })
	return out, nil
}

// User is a network interface that carries a group, with the instance it
// belongs to when it does.
type User struct {
	Interface, Instance, Description string
}

// Users lists the network interfaces (and their instances) that carry
// the group, for import and the review.
func (c *Client) Users(ctx context.Context, group string) ([]User, error) {
	var out []User
	p := ec2.NewDescribeNetworkInterfacesPaginator(c.ec2, &ec2.DescribeNetworkInterfacesInput{
		Filters: []types.Filter{{Name: sdk.String("group-id"), Values: []string{group}}}})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, explain(err, "")
		}
		for _, ni := range page.NetworkInterfaces {
			u := User{Interface: sdk.ToString(ni.NetworkInterfaceId), Description: sdk.ToString(ni.Description)}
			if ni.Attachment != nil {
				u.Instance = sdk.ToString(ni.Attachment.InstanceId)
			}
			out = append(out, u)
		}
	}
	return out, nil
}

// UsersText says who uses a group in one line: "used by 2 network
// interfaces: eni-… (i-…), eni-… (ELB app/web/…)" or "used by nothing".
func UsersText(users []User) string {
	if len(users) == 0 {
		return "used by no network interface (launch templates and other groups' rules: sgwiz audit)"
	}
	parts := make([]string, len(users))
	for i, u := range users {
		parts[i] = u.Interface
		switch {
		case u.Instance != "":
			parts[i] += " (" + u.Instance + ")"
		case u.Description != "":
			parts[i] += " (" + u.Description + ")"
		}
	}
	return fmt.Sprintf("used by %d network interface(s): %s", len(users), strings.Join(parts, ", "))
}

// AttachRequest says what to change: put Group on the instance's primary
// interface (or on ENI), replacing Replace when given, or take it off
// (Detach).
type AttachRequest struct {
	Group    string
	Instance string
	ENI      string
	Replace  string
	Detach   bool
	// MaxGroups is the account's groups-per-interface quota (default 5).
	MaxGroups int
}

// InterfaceChange is one interface's groups before and after.
type InterfaceChange struct {
	ID, Instance  string
	Before, After []string
}

// Empty reports whether the interface keeps its groups.
func (ic InterfaceChange) Empty() bool { return slices.Equal(ic.Before, ic.After) }

// Attachment is a reviewed change of interfaces' groups.
type Attachment struct {
	Interfaces []InterfaceChange
	// Notes say what was left alone (an instance's other interfaces).
	Notes []string
	names map[string]string
}

// Lines say the change, an interface a line, groups with their names.
func (a Attachment) Lines() []string {
	var out []string
	for _, ic := range a.Interfaces {
		where := ic.ID
		if ic.Instance != "" {
			where += " (" + ic.Instance + ")"
		}
		if ic.Empty() {
			out = append(out, fmt.Sprintf("%s: no change, it carries %s", where, a.list(ic.After)))
			continue
		}
		out = append(out, fmt.Sprintf("%s:\n    before: %s\n    after:  %s", where, a.list(ic.Before), a.list(ic.After)))
	}
	return append(out, a.Notes...)
}

func (a Attachment) list(ids []string) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = id
		if n := a.names[id]; n != "" {
			parts[i] += " (" + n + ")"
		}
	}
	return strings.Join(parts, ", ")
}

// Empty reports whether nothing changes.
func (a Attachment) Empty() bool {
	for _, ic := range a.Interfaces {
		if !ic.Empty() {
			return false
		}
	}
	return true
}

// PlanAttach reads the interface and the groups involved and works out the
// change, checking before any change what EC2 would refuse: groups of
// another VPC, more groups than the quota, more rules than an interface
// takes, an interface left without a group.
func (c *Client) PlanAttach(ctx context.Context, r AttachRequest) (Attachment, error) {
	var a Attachment
	ifaces, notes, err := c.attachInterfaces(ctx, r)
	a.Notes = notes
	if err != nil {
		return a, err
	}
	// Every group involved, to name them, check their VPC and count rules.
	ids := []string{r.Group}
	if r.Replace != "" {
		ids = append(ids, r.Replace)
	}
	for _, ic := range ifaces {
		ids = append(ids, ic.Before...)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	groups, names, err := c.attachGroups(ctx, ids)
	a.names = names
	if err != nil {
		return a, err
	}
	if _, ok := groups[r.Group]; !ok {
		return a, fmt.Errorf("security group %s does not exist in %s: check the id, or --region", r.Group, c.Region)
	}
	for i := range ifaces {
		if err := a.planInterface(&ifaces[i], r, groups); err != nil {
			return a, err
		}
	}
	a.Interfaces = ifaces
	return a, nil
}

// attachInterfaces reads the interfaces the request names (--eni, or an
// instance's primary interface) with their groups; notes name an
// instance's other interfaces, left alone.
func (c *Client) attachInterfaces(ctx context.Context, r AttachRequest) (ifaces []InterfaceChange, notes []string, err error) {
	switch {
	case r.ENI != "":
		out, err := c.ec2.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{r.ENI}})
		if err != nil {
			if isCode(err, "InvalidNetworkInterfaceID.NotFound", "InvalidNetworkInterfaceID.Malformed") {
				return nil, nil, &Error{Code: "InvalidNetworkInterfaceID.NotFound", Words: fmt.Sprintf("network interface %s does not exist in %s: check the id, or --region", r.ENI, c.Region), Err: err}
			}
			return nil, nil, explain(err, "")
		}
		for _, ni := range out.NetworkInterfaces {
			ic := InterfaceChange{ID: sdk.ToString(ni.NetworkInterfaceId), Before: idsOf(ni.Groups)}
			if ni.Attachment != nil {
				ic.Instance = sdk.ToString(ni.Attachment.InstanceId)
			}
			ifaces = append(ifaces, ic)
		}
		return ifaces, nil, nil
	case r.Instance != "":
		found, err := c.Instances(ctx, "", r.Instance)
		if err != nil {
			return nil, nil, err
		}
		if len(found) == 0 {
			return nil, nil, fmt.Errorf("instance %s is terminated (or does not exist in %s)", r.Instance, c.Region)
		}
		in := found[0]
		p := in.Primary()
		if p == nil {
			return nil, nil, fmt.Errorf("instance %s has no network interface to attach to", r.Instance)
		}
		for _, other := range in.Interfaces {
			if other.ID != p.ID {
				notes = append(notes, fmt.Sprintf("%s has another interface, %s (device %d), left as it is: name it with --eni to change it too", in.ID, other.ID, other.Device))
			}
		}
		return []InterfaceChange{{ID: p.ID, Instance: in.ID, Before: p.Groups}}, notes, nil
	}
	return nil, nil, fmt.Errorf("say where: --instance i-… or --eni eni-…")
}

// attachGroups reads the groups of the ids, by id, and their names; on an
// error names holds those read so far.
func (c *Client) attachGroups(ctx context.Context, ids []string) (groups map[string]model.Group, names map[string]string, err error) {
	sgs, err := c.describe(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: ids})
	if err != nil {
		return nil, nil, err
	}
	groups, names = map[string]model.Group{}, map[string]string{}
	for _, sg := range sgs {
		g, _, err := groupOf(sg)
		if err != nil {
			return nil, names, err
		}
		groups[g.ID] = g
		names[g.ID] = g.Name
	}
	return groups, names, nil
}

// planInterface works out the groups ic carries after the change (its
// After) and checks them: the request must make sense for the interface,
// the group must be in the interface's VPC, and the interface must take
// the groups (model.CheckInterface).
func (a Attachment) planInterface(ic *InterfaceChange, r AttachRequest, groups map[string]model.Group) error {
	after := slices.Clone(ic.Before)
	has := slices.Contains(after, r.Group)
	switch {
	case r.Detach && !has:
		return fmt.Errorf("%s does not carry %s: nothing to detach (it carries %s)", ic.ID, r.Group, a.list(ic.Before))
	case r.Detach:
		after = slices.DeleteFunc(after, func(g string) bool { return g == r.Group })
	case r.Replace != "" && !slices.Contains(after, r.Replace):
		return fmt.Errorf("--replace: %s does not carry %s (it carries %s)", ic.ID, r.Replace, a.list(ic.Before))
	case r.Replace != "":
		after = slices.DeleteFunc(after, func(g string) bool { return g == r.Replace || g == r.Group })
		after = append(after, r.Group)
	case !has:
		after = append(after, r.Group)
	}
	ic.After = after
	if ic.Empty() {
		return nil
	}
	target := groups[r.Group]
	var carried []model.Group
	for _, id := range after {
		g := groups[id]
		if id == r.Group && len(ic.Before) > 0 {
			if vpc := groups[ic.Before[0]].VPC; vpc != "" && target.VPC != vpc {
				return fmt.Errorf("%s is in %s, but %s is in %s: a group works only in its own VPC", r.Group, target.VPC, ic.ID, vpc)
			}
		}
		carried = append(carried, g)
	}
	return model.CheckInterface(ic.ID, carried, r.MaxGroups)
}

// Attach makes the change: one ModifyNetworkInterfaceAttribute per
// interface that changes, with its whole new set of groups.
func (c *Client) Attach(ctx context.Context, a Attachment) error {
	for _, ic := range a.Interfaces {
		if ic.Empty() {
			continue
		}
		if _, err := c.ec2.ModifyNetworkInterfaceAttribute(ctx, &ec2.ModifyNetworkInterfaceAttributeInput{
			NetworkInterfaceId: sdk.String(ic.ID), Groups: ic.After}); err != nil {
			if isCode(err, "SecurityGroupsPerInterfaceLimitExceeded") {
				return &Error{Code: "SecurityGroupsPerInterfaceLimitExceeded", Action: "ec2:ModifyNetworkInterfaceAttribute",
					Words: fmt.Sprintf("%s: the account allows fewer groups per interface than %d: detach one, or give --groups-per-interface the account's quota", ic.ID, len(ic.After)), Err: err}
			}
			return explain(err, ic.ID)
		}
	}
	return nil
}
