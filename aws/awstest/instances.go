package awstest

import (
	"encoding/xml"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
)

// Instances, the groups of their network interfaces, and account prefix
// lists: what sgwiz attach and sgwiz prefix-list use.

// GroupsPerInterface is the sandbox's quota of groups on one network
// interface (AWS's default).
const GroupsPerInterface = 5

type instance struct {
	id, name, state, vpc string
}

// AddInstance makes an instance in the default VPC (state "running",
// "stopped", …) whose primary network interface carries groups; it
// returns the instance's id and its interface's.
func (h *Handler) AddInstance(name, state string, groups ...string) (id, eni string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	in := instance{id: h.newID("i-"), name: name, state: state, vpc: DefaultVPC}
	h.instances = append(h.instances, in)
	ni := networkInterface{id: h.newID("eni-"), description: "Primary network interface", groups: groups, instance: in.id}
	h.interfaces = append(h.interfaces, ni)
	return in.id, ni.id
}

// AddSecondInterface gives an instance another interface (device 1).
func (h *Handler) AddSecondInterface(instanceID string, groups ...string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	ni := networkInterface{id: h.newID("eni-"), description: "second interface", groups: groups, instance: instanceID, device: 1}
	h.interfaces = append(h.interfaces, ni)
	return ni.id
}

// InterfaceGroups returns the groups an interface carries, for tests.
func (h *Handler) InterfaceGroups(eni string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if ni := h.iface(eni); ni != nil {
		return slices.Clone(ni.groups)
	}
	return nil
}

func (h *Handler) iface(id string) *networkInterface {
	for i := range h.interfaces {
		if h.interfaces[i].id == id {
			return &h.interfaces[i]
		}
	}
	return nil
}

type xmlInstanceState struct {
	Code int    `xml:"code"`
	Name string `xml:"name"`
}

type xmlInstanceInterface struct {
	ID         string        `xml:"networkInterfaceId"`
	Attachment xmlAttachment `xml:"attachment"`
	Groups     []xmlGroupID  `xml:"groupSet>item"`
	VpcID      string        `xml:"vpcId"`
}

type xmlInstance struct {
	ID         string                 `xml:"instanceId"`
	State      xmlInstanceState       `xml:"instanceState"`
	VpcID      string                 `xml:"vpcId"`
	Tags       []xmlTag               `xml:"tagSet>item"`
	Groups     []xmlGroupID           `xml:"groupSet>item"`
	Interfaces []xmlInstanceInterface `xml:"networkInterfaceSet>item"`
}

type xmlReservation struct {
	ID        string        `xml:"reservationId"`
	OwnerID   string        `xml:"ownerId"`
	Instances []xmlInstance `xml:"instancesSet>item"`
}

type describeInstancesResponse struct {
	XMLName      xml.Name         `xml:"DescribeInstancesResponse"`
	RequestID    string           `xml:"requestId"`
	Reservations []xmlReservation `xml:"reservationSet>item"`
	NextToken    string           `xml:"nextToken,omitempty"`
}

var stateCodes = map[string]int{"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64, "stopped": 80}

// describeInstances answers by instance id and the vpc-id and
// instance-state-name filters, one reservation per instance.
func (h *Handler) describeInstances(f form) (any, *apiError) {
	ids, filters := f.list("InstanceId"), f.filters()
	for _, id := range ids {
		if !slices.ContainsFunc(h.instances, func(in instance) bool { return in.id == id }) {
			return nil, fail("InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", id)
		}
	}
	var chosen []instance
	for _, in := range h.instances {
		if (len(ids) == 0 || contains(ids, in.id)) &&
			(filters["vpc-id"] == nil || contains(filters["vpc-id"], in.vpc)) &&
			(filters["instance-state-name"] == nil || contains(filters["instance-state-name"], in.state)) {
			chosen = append(chosen, in)
		}
	}
	start, end, next := page(f, len(chosen))
	resp := describeInstancesResponse{RequestID: newID(""), NextToken: next}
	for _, in := range chosen[start:end] {
		x := xmlInstance{ID: in.id, State: xmlInstanceState{stateCodes[in.state], in.state}, VpcID: in.vpc}
		if in.name != "" {
			x.Tags = []xmlTag{{Key: "Name", Value: in.name}}
		}
		for _, ni := range h.interfaces {
			if ni.instance != in.id {
				continue
			}
			xi := xmlInstanceInterface{ID: ni.id, Attachment: xmlAttachment{Instance: in.id, Device: ni.device, Status: "attached"}, VpcID: in.vpc}
			for _, g := range ni.groups {
				xi.Groups = append(xi.Groups, xmlGroupID{ID: g, Name: h.groupName(g)})
			}
			if ni.device == 0 {
				x.Groups = xi.Groups
			}
			x.Interfaces = append(x.Interfaces, xi)
		}
		resp.Reservations = append(resp.Reservations, xmlReservation{ID: h.newID("r-"), OwnerID: Account, Instances: []xmlInstance{x}})
	}
	return resp, nil
}

func (h *Handler) groupName(id string) string {
	if g, ok := h.groups[id]; ok {
		return g.name
	}
	return ""
}

// modifyInterface replaces the groups of an interface, as
// ModifyNetworkInterfaceAttribute does: the whole set at once, one to the
// quota, all of the interface's VPC.
func (h *Handler) modifyInterface(f form) (any, *apiError) {
	ni := h.iface(f.get("NetworkInterfaceId"))
	if ni == nil {
		return nil, fail("InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '%s' does not exist", f.get("NetworkInterfaceId"))
	}
	groups := f.list("SecurityGroupId")
	if len(groups) == 0 {
		return nil, fail("InvalidParameterValue", "Only the security groups attribute can be modified here; give at least one group")
	}
	if len(groups) > GroupsPerInterface {
		return nil, fail("SecurityGroupsPerInterfaceLimitExceeded", "The maximum number of security groups per interface has been reached.")
	}
	vpc := ""
	for _, id := range ni.groups {
		if g, ok := h.groups[id]; ok {
			vpc = g.vpc
		}
	}
	for _, id := range groups {
		g, err := h.group(id)
		if err != nil {
			return nil, err
		}
		if vpc != "" && g.vpc != vpc {
			return nil, fail("InvalidParameter", "Security group %s and interface %s belong to different networks.", id, ni.id)
		}
	}
	ni.groups = slices.Clone(groups)
	return returnResponse{XMLName: xml.Name{Local: "ModifyNetworkInterfaceAttributeResponse"}, RequestID: newID(""), Return: true}, nil
}

type createPrefixListResponse struct {
	XMLName   xml.Name             `xml:"CreateManagedPrefixListResponse"`
	RequestID string               `xml:"requestId"`
	List      xmlManagedPrefixList `xml:"prefixList"`
}

type xmlEntry struct {
	Cidr        string `xml:"cidr"`
	Description string `xml:"description,omitempty"`
}

type prefixListEntriesResponse struct {
	XMLName   xml.Name   `xml:"GetManagedPrefixListEntriesResponse"`
	RequestID string     `xml:"requestId"`
	Entries   []xmlEntry `xml:"entrySet>item"`
}

// createPrefixList makes an account list: a name unique in the region,
// entries of its family, no more than its maximum.
func (h *Handler) createPrefixList(f form, region string) (any, *apiError) {
	name, family := f.get("PrefixListName"), f.get("AddressFamily")
	max, err := strconv.Atoi(f.get("MaxEntries"))
	if err != nil || max < 1 || max > 1000 {
		return nil, fail("InvalidParameterValue", "MaxEntries must be between 1 and 1000")
	}
	if family != "IPv4" && family != "IPv6" {
		return nil, fail("InvalidParameterValue", "AddressFamily must be IPv4 or IPv6")
	}
	for _, l := range h.lists {
		if l.owner == Account && l.name == name {
			return nil, fail("PrefixListAlreadyExists", "A prefix list named '%s' already exists", name)
		}
	}
	l := prefixList{id: h.newID("pl-"), name: name, family: family, owner: Account, weight: max}
	for i := 1; i <= f.count("Entry"); i++ {
		p := fmt.Sprintf("Entry.%d", i)
		c, perr := netip.ParsePrefix(f.get(p + ".Cidr"))
		if perr != nil || c.Masked() != c || c.Addr().Is4() != (family == "IPv4") {
			return nil, fail("InvalidParameterValue", "Invalid CIDR %s for a %s list", f.get(p+".Cidr"), family)
		}
		l.entries = append(l.entries, [2]string{c.String(), f.get(p + ".Description")})
	}
	if len(l.entries) > max {
		return nil, fail("InvalidParameterValue", "The prefix list has more entries (%d) than its maximum (%d)", len(l.entries), max)
	}
	h.lists = append(h.lists, l)
	return createPrefixListResponse{RequestID: newID(""), List: xmlManagedPrefixList{ID: l.id, Name: name, Family: family,
		State: "create-complete", Owner: Account, Version: 1, MaxEntries: max,
		Arn: fmt.Sprintf("arn:aws:ec2:%s:%s:prefix-list/%s", region, Account, l.id)}}, nil
}

func (h *Handler) prefixListEntries(f form) (any, *apiError) {
	l, ok := h.prefixList(f.get("PrefixListId"))
	if !ok {
		return nil, fail("InvalidPrefixListID.NotFound", "The prefix list ID '%s' does not exist", f.get("PrefixListId"))
	}
	resp := prefixListEntriesResponse{RequestID: newID("")}
	for _, e := range l.entries {
		resp.Entries = append(resp.Entries, xmlEntry{Cidr: e[0], Description: e[1]})
	}
	return resp, nil
}
