package awstest

import (
	"crypto/rand"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Groups used beyond their own VPC: associated with other VPCs of the
// region (EC2's AssociateSecurityGroupVpc, since late 2024), and shared
// with other accounts through AWS RAM. EC2 refuses both for a default
// group and for a group of the default VPC, and associates a group only
// with another VPC that is not the default one; the sandbox does too.

// vpcAssociation is a group's association with another VPC.
type vpcAssociation struct {
	group, vpc, state string
}

// AddVPC makes another VPC (not the default one, IPv4 only) and returns
// its id.
func (h *Handler) AddVPC(cidr string) string {
	id := h.newID("vpc-")
	h.mu.Lock()
	defer h.mu.Unlock()
	h.vpcs = append(h.vpcs, vpc{id: id, cidr: cidr})
	return id
}

// SetAssociationState puts the association of a group with a VPC in
// state (associating, associated, association-failed, disassociating,
// …), making it when there is none, as EC2 moves it along.
func (h *Handler) SetAssociationState(groupID, vpcID, state string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, a := range h.associations {
		if a.group == groupID && a.vpc == vpcID {
			h.associations[i].state = state
			return
		}
	}
	h.associations = append(h.associations, vpcAssociation{group: groupID, vpc: vpcID, state: state})
}

// describeAssociations answers DescribeSecurityGroupVpcAssociations, with
// its filters (group-id, group-owner-id, state, vpc-id, vpc-owner-id) and
// pages of 5 to 1,000.
func (h *Handler) describeAssociations(f form) (any, *apiError) {
	if m := f.get("MaxResults"); m != "" {
		if n, err := strconv.Atoi(m); err != nil || n < 5 || n > 1000 {
			return nil, fail("InvalidParameterValue", "Value ( %s ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.", m)
		}
	}
	filters := f.filters()
	keep := func(name, value string) bool { return filters[name] == nil || contains(filters[name], value) }
	var chosen []xmlAssociation
	for _, a := range h.associations {
		owner := Account
		if g, ok := h.groups[a.group]; ok {
			owner = g.ownerID()
		}
		if keep("group-id", a.group) && keep("group-owner-id", owner) && keep("state", a.state) && keep("vpc-id", a.vpc) && keep("vpc-owner-id", Account) {
			chosen = append(chosen, xmlAssociation{GroupID: a.group, VpcID: a.vpc, VpcOwnerID: Account, State: a.state, GroupOwnerID: owner})
		}
	}
	start, end, next := page(f, len(chosen))
	return describeAssociationsResponse{RequestID: newID(""), Associations: chosen[start:end], NextToken: next}, nil
}

// associate answers AssociateSecurityGroupVpc. The association is made at
// once; the answer is the state EC2 answers with, associating.
func (h *Handler) associate(f form) (any, *apiError) {
	g, v, err := h.associationTarget(f)
	if err != nil {
		return nil, err
	}
	switch {
	case g.owner != "":
		return nil, fail("InvalidParameterValue", "You must own security group %s to associate it with a VPC.", g.id)
	case g.name == "default":
		return nil, fail("InvalidParameterValue", "The default security group %s cannot be associated with another VPC.", g.id)
	case h.vpc(g.vpc).isDefault:
		return nil, fail("InvalidParameterValue", "Security group %s is in the default VPC: groups of the default VPC cannot be associated with other VPCs.", g.id)
	case v.isDefault:
		return nil, fail("InvalidParameterValue", "A security group cannot be associated with the default VPC %s.", v.id)
	case v.id == g.vpc:
		return nil, fail("InvalidParameterValue", "Security group %s was created in %s: associate it with another VPC.", g.id, v.id)
	}
	for _, a := range h.associations {
		if a.group == g.id && a.vpc == v.id {
			return nil, fail("InvalidParameterValue", "Security group %s is already associated with %s.", g.id, v.id)
		}
	}
	h.associations = append(h.associations, vpcAssociation{group: g.id, vpc: v.id, state: "associated"})
	return associationResponse{XMLName: xml.Name{Local: "AssociateSecurityGroupVpcResponse"}, RequestID: newID(""), State: "associating"}, nil
}

// disassociate answers DisassociateSecurityGroupVpc; the association is
// gone at once.
func (h *Handler) disassociate(f form) (any, *apiError) {
	g, v, err := h.associationTarget(f)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(h.associations, func(a vpcAssociation) bool { return a.group == g.id && a.vpc == v.id })
	if i < 0 {
		return nil, fail("InvalidParameterValue", "Security group %s is not associated with %s.", g.id, v.id)
	}
	h.associations = slices.Delete(h.associations, i, i+1)
	return associationResponse{XMLName: xml.Name{Local: "DisassociateSecurityGroupVpcResponse"}, RequestID: newID(""), State: "disassociating"}, nil
}

// associationTarget reads the group and the VPC an association call names.
func (h *Handler) associationTarget(f form) (*group, vpc, *apiError) {
	for _, p := range []string{"GroupId", "VpcId"} {
		if f.get(p) == "" {
			return nil, vpc{}, fail("MissingParameter", "The request must contain the parameter %s", p)
		}
	}
	g, err := h.group(f.get("GroupId"))
	if err != nil {
		return nil, vpc{}, err
	}
	v := h.vpc(f.get("VpcId"))
	if v.id == "" {
		return nil, vpc{}, fail("InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", f.get("VpcId"))
	}
	return g, v, nil
}

// AddSharedGroup makes a group of IPv6VPC that another account owns and
// shares with the sandbox's, as a participant of a shared VPC sees one;
// it returns its id.
func (h *Handler) AddSharedGroup(owner, name string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	g := &group{id: h.newID("sg-"), name: name, description: name + " (shared with this account)", vpc: IPv6VPC, owner: owner}
	g.rules[1] = []rule{{key: ruleKey{proto: "-1", from: -1, to: -1, kind: "cidr4", peer: "0.0.0.0/0"}, id: h.newID("sgr-")}}
	h.groups[g.id] = g
	h.order = append(h.order, g.id)
	return g.id
}

// resourceShare is one of the account's AWS RAM resource shares.
type resourceShare struct {
	id, name   string
	principals []string
	groups     []string
	created    time.Time
}

// arn is the share's ARN in region.
func (s resourceShare) arn(region string) string {
	return fmt.Sprintf("arn:aws:ram:%s:%s:resource-share/%s", region, Account, s.id)
}

// ShareGroups makes a RAM resource share of the groups with the
// principals (accounts, organisational units), as CreateResourceShare
// does, and returns its ARN's last part. As AWS, it refuses a default
// group, a group of the default VPC and one another account owns.
func (h *Handler) ShareGroups(name string, principals []string, groups ...string) (string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, id := range groups {
		g, err := h.group(id)
		switch {
		case err != nil:
			return "", err
		case g.owner != "":
			return "", fmt.Errorf("%s is owned by %s: only the owner shares a group", id, g.owner)
		case g.name == "default":
			return "", fmt.Errorf("%s is a default group, which cannot be shared", id)
		case h.vpc(g.vpc).isDefault:
			return "", fmt.Errorf("%s is in the default VPC, whose groups cannot be shared", id)
		}
	}
	s := resourceShare{id: uuid(), name: name, principals: principals, groups: groups, created: time.Now().UTC()}
	h.shares = append(h.shares, s)
	return s.id, nil
}

// uuid is a random version 4 UUID, as RAM names its shares.
func uuid() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// ramActions are the RAM calls the sandbox serves, by the path RAM's
// REST-JSON protocol posts each to.
var ramActions = map[string]string{
	"/getresourceshareassociations": "GetResourceShareAssociations",
	"/listresources":                "ListResources",
}

// isRAM reports whether r is a RAM call (signed for ram, or posted to one
// of its paths) rather than an EC2 or STS Query call (posted to /).
func isRAM(r *http.Request) bool {
	_, scope, _ := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	parts := strings.Split(scope, "/")
	return len(parts) > 3 && parts[3] == "ram" || ramActions[strings.ToLower(r.URL.Path)] != ""
}

// serveRAM answers a RAM call in RAM's REST-JSON protocol.
func (h *Handler) serveRAM(w http.ResponseWriter, r *http.Request) {
	action, ok := ramActions[strings.ToLower(strings.TrimSuffix(r.URL.Path, "/"))]
	if !ok {
		writeJSONError(w, &apiError{status: http.StatusNotFound, code: "UnknownOperationException",
			message: "The sgwiz sandbox serves RAM's GetResourceShareAssociations and ListResources only."})
		return
	}
	if err := h.admit(action, r, &apiError{status: http.StatusForbidden, code: "AccessDeniedException",
		message: "User is not authorized to perform: ram:" + action}); err != nil {
		writeJSONError(w, err)
		return
	}
	var in ramRequest
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeJSONError(w, &apiError{status: http.StatusBadRequest, code: "InvalidParameterException", message: "The request body is not JSON: " + err.Error()})
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var resp any
	var err *apiError
	if action == "ListResources" {
		resp, err = h.listResources(in, regionOf(r))
	} else {
		resp, err = h.shareAssociations(in, regionOf(r))
	}
	if err != nil {
		writeJSONError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

// ramRequest holds the parameters of both calls.
type ramRequest struct {
	AssociationType   string   `json:"associationType"`
	AssociationStatus string   `json:"associationStatus"`
	ResourceOwner     string   `json:"resourceOwner"`
	ResourceType      string   `json:"resourceType"`
	ResourceArn       string   `json:"resourceArn"`
	ResourceArns      []string `json:"resourceArns"`
	ResourceShareArns []string `json:"resourceShareArns"`
	Principal         string   `json:"principal"`
	MaxResults        int      `json:"maxResults"`
	NextToken         string   `json:"nextToken"`
}

// ramPage cuts n items by the call's nextToken and maxResults (1 to 500).
func ramPage(in ramRequest, n int) (start, end int, next string, err *apiError) {
	if in.MaxResults < 0 || in.MaxResults > 500 {
		return 0, 0, "", &apiError{status: http.StatusBadRequest, code: "InvalidParameterException", message: fmt.Sprintf("maxResults %d is not between 1 and 500.", in.MaxResults)}
	}
	if in.NextToken != "" {
		var convErr error
		if start, convErr = strconv.Atoi(in.NextToken); convErr != nil || start < 0 {
			return 0, 0, "", &apiError{status: http.StatusBadRequest, code: "InvalidNextTokenException", message: "The specified value for nextToken is not valid."}
		}
	}
	start, end = min(start, n), n
	if in.MaxResults > 0 && start+in.MaxResults < n {
		end = start + in.MaxResults
		next = strconv.Itoa(end)
	}
	return start, end, next, nil
}

// groupARN is the ARN of a group of the sandbox in region.
func (h *Handler) groupARN(id, region string) string {
	owner := Account
	if g, ok := h.groups[id]; ok {
		owner = g.ownerID()
	}
	return fmt.Sprintf("arn:aws:ec2:%s:%s:security-group/%s", region, owner, id)
}

// shareAssociations answers GetResourceShareAssociations: the shares'
// resources (RESOURCE) or principals (PRINCIPAL), every one ASSOCIATED.
func (h *Handler) shareAssociations(in ramRequest, region string) (any, *apiError) {
	invalid := func(format string, args ...any) *apiError {
		return &apiError{status: http.StatusBadRequest, code: "InvalidParameterException", message: fmt.Sprintf(format, args...)}
	}
	switch {
	case in.AssociationType != "RESOURCE" && in.AssociationType != "PRINCIPAL":
		return nil, invalid("%s is not a valid association type. Specify either PRINCIPAL or RESOURCE and try again.", in.AssociationType)
	case in.AssociationType == "RESOURCE" && in.Principal != "":
		return nil, invalid("You cannot specify a principal when the association type is RESOURCE.")
	case in.AssociationType == "PRINCIPAL" && in.ResourceArn != "":
		return nil, invalid("You cannot specify a resource ARN when the association type is PRINCIPAL.")
	}
	type association struct {
		ShareArn    string  `json:"resourceShareArn"`
		ShareName   string  `json:"resourceShareName"`
		Entity      string  `json:"associatedEntity"`
		Type        string  `json:"associationType"`
		Status      string  `json:"status"`
		Created     float64 `json:"creationTime"`
		LastUpdated float64 `json:"lastUpdatedTime"`
		External    bool    `json:"external"`
	}
	var all []association
	for _, s := range h.shares {
		arn := s.arn(region)
		if len(in.ResourceShareArns) > 0 && !contains(in.ResourceShareArns, arn) {
			continue
		}
		entities := s.principals
		if in.AssociationType == "RESOURCE" {
			entities = nil
			for _, id := range s.groups {
				entities = append(entities, h.groupARN(id, region))
			}
		}
		for _, e := range entities {
			if in.ResourceArn != "" && e != in.ResourceArn || in.Principal != "" && e != in.Principal ||
				in.AssociationStatus != "" && in.AssociationStatus != "ASSOCIATED" {
				continue
			}
			at := float64(s.created.Unix())
			all = append(all, association{ShareArn: arn, ShareName: s.name, Entity: e, Type: in.AssociationType, Status: "ASSOCIATED", Created: at, LastUpdated: at})
		}
	}
	start, end, next, err := ramPage(in, len(all))
	if err != nil {
		return nil, err
	}
	return struct {
		Associations []association `json:"resourceShareAssociations"`
		NextToken    string        `json:"nextToken,omitempty"`
	}{append([]association{}, all[start:end]...), next}, nil
}

// listResources answers ListResources: for SELF, the groups the account's
// shares hold (type ec2:SecurityGroup, the only kind the sandbox shares);
// for OTHER-ACCOUNTS, none.
func (h *Handler) listResources(in ramRequest, region string) (any, *apiError) {
	if in.ResourceOwner != "SELF" && in.ResourceOwner != "OTHER-ACCOUNTS" {
		return nil, &apiError{status: http.StatusBadRequest, code: "InvalidParameterException",
			message: fmt.Sprintf("%q is not a valid resource owner. Specify either SELF or OTHER-ACCOUNTS and try again.", in.ResourceOwner)}
	}
	type resource struct {
		Arn         string  `json:"arn"`
		Type        string  `json:"type"`
		ShareArn    string  `json:"resourceShareArn"`
		Status      string  `json:"status"`
		Created     float64 `json:"creationTime"`
		LastUpdated float64 `json:"lastUpdatedTime"`
		Scope       string  `json:"resourceRegionScope"`
	}
	var all []resource
	for _, s := range h.shares {
		arn := s.arn(region)
		if in.ResourceOwner != "SELF" || len(in.ResourceShareArns) > 0 && !contains(in.ResourceShareArns, arn) ||
			in.ResourceType != "" && !strings.EqualFold(in.ResourceType, "ec2:SecurityGroup") ||
			in.Principal != "" && !contains(s.principals, in.Principal) {
			continue
		}
		for _, id := range s.groups {
			if ga := h.groupARN(id, region); len(in.ResourceArns) == 0 || contains(in.ResourceArns, ga) {
				at := float64(s.created.Unix())
				all = append(all, resource{Arn: ga, Type: "ec2:SecurityGroup", ShareArn: arn, Status: "AVAILABLE", Created: at, LastUpdated: at, Scope: "REGIONAL"})
			}
		}
	}
	start, end, next, err := ramPage(in, len(all))
	if err != nil {
		return nil, err
	}
	return struct {
		Resources []resource `json:"resources"`
		NextToken string     `json:"nextToken,omitempty"`
	}{append([]resource{}, all[start:end]...), next}, nil
}

// writeJSONError answers a RAM call with an error, as REST-JSON services do.
func writeJSONError(w http.ResponseWriter, e *apiError) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", e.code)
	w.WriteHeader(e.status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": e.message})
}
