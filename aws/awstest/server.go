// Package awstest serves an EC2-compatible endpoint in-process, for
// people without an AWS account (sgwiz --sandbox) and for tests, like
// net/http/httptest serves HTTP:
//
//	sb := awstest.NewServer()
//	defer sb.Close()
//	client, _ := aws.Connect(ctx, aws.Options{EndpointURL: sb.URL, Region: "us-east-1"})
//
// It speaks the EC2 Query protocol the SDK uses (and STS's
// GetCallerIdentity) for security groups and VPCs, and behaves like EC2
// where it matters: a default VPC with its default group, real-looking
// ids, the default egress rule on a new group, duplicate and not-found
// errors, DependencyViolation when deleting a referenced or associated
// group, all-or-nothing authorize, the per-direction quota counted apart
// for IPv4 and IPv6 with prefix lists counted by their weight or size, the
// AWS-managed prefix lists of the region (CloudFront, EC2 Instance
// Connect, S3, DynamoDB) and one of the account's, groups associated with
// other VPCs, DryRun, pagination, and injectable failures. On the same
// endpoint it answers the two RAM calls that say which groups the account
// shares (REST-JSON, told apart by their paths).
package awstest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"html"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/sgwiz/sgwiz/aws"
)

// Account is the sandbox's account id.
const Account = "123456789012"

// DefaultVPC is the id of the sandbox's default VPC (IPv4 only).
const DefaultVPC = "vpc-0a1b2c3d4e5f60718"

// IPv6VPC is the id of a second VPC, with an IPv6 block: AWS gives its
// new groups an outbound rule to ::/0 besides the one to 0.0.0.0/0.
const IPv6VPC = "vpc-0f1e2d3c4b5a69788"

// ServicesVPC is the id of a third VPC, which only the example account
// (Example) has: a group of IPv6VPC is associated with it.
const ServicesVPC = "vpc-05e7a1c3d9b2f4608"

// Quota is the rules per group, direction and IP version.
const Quota = 60

// Fault makes the call with this action and sequence number fail; the
// Server asks Faults before each call. Return "" to let it through.
type Fault func(action string, call int) (code string, status int)

// Server is the sandbox endpoint.
type Server struct {
	*httptest.Server
	h *Handler
}

// NewServer starts a sandbox on a loopback port.
func NewServer() *Server {
	h := NewHandler()
	return &Server{Server: httptest.NewServer(h), h: h}
}

// Connect returns an sgwiz client for the sandbox, with credentials of
// its own: no AWS account, profile or environment is needed.
func (s *Server) Connect(ctx context.Context, region string) (*aws.Client, error) {
	if region == "" {
		region = "us-east-1"
	}
	return aws.Connect(ctx, aws.Options{Region: region, EndpointURL: s.URL,
		Credentials: credentials.NewStaticCredentialsProvider("sandbox", "sandbox", "")})
}

// Handler is the sandbox as an http.Handler, to serve it yourself.
func (s *Server) Handler() *Handler { return s.h }

// Handler answers EC2 Query calls from its in-memory state.
type Handler struct {
	// ids makes the ids of what the sandbox holds, the same on every run
	// (an example account's groups keep their ids, so a script can chain
	// sgwiz audit --sandbox and sgwiz apply --sandbox); request ids stay
	// random.
	ids struct {
		sync.Mutex
		rng *mrand.Rand
	}
	mu     sync.Mutex
	vpcs   []vpc
	groups map[string]*group // by id
	order  []string          // ids in creation order
	calls  int
	// changes counts the calls that may change something (not Describe*
	// or Get*), for tests that prove a refusal came first.
	changes int
	faults  Fault
	denied  map[string]bool // regions whose calls are refused
	lists   []prefixList
	// What uses groups, for audits: network interfaces, launch template
	// versions, and references from peered VPCs (group id → VPCs).
	interfaces []networkInterface
	instances  []instance
	templates  []launchTemplate
	references map[string][]string
	// associations are groups' associations with other VPCs; shares the
	// account's RAM resource shares of groups.
	associations []vpcAssociation
	shares       []resourceShare
}

type networkInterface struct {
	id, description string
	groups          []string
	// instance and device are the attachment, when an instance has it.
	instance string
	device   int
}

type launchTemplate struct {
	id, name string
	version  int
	groups   []string
}

// prefixList is a managed prefix list; the names of AWS's hold
// "<region>", replaced by the region a call is signed for.
type prefixList struct {
	id, name, family string
	owner            string // "AWS" or the account
	// weight is what a rule naming the list counts for in the quota:
	// AWS's documented weight, or an account list's maximum entries.
	weight  int
	entries [][2]string // cidr, description
}

// OfficeList is the id of the account's own prefix list in the sandbox:
// IPv4, at most 10 entries, so a rule naming it counts as 10.
const OfficeList = "pl-0ff1ce00000000001"

// EC2 Instance Connect's list in the sandbox (IPv4, weight 2).
const InstanceConnectList = "pl-0e4c1c0a"

// CloudFrontList is CloudFront's origin-facing list (IPv4, weight 55).
const CloudFrontList = "pl-3b927c52"

func (h *Handler) prefixList(id string) (prefixList, bool) {
	for _, l := range h.lists {
		if l.id == id {
			return l, true
		}
	}
	return prefixList{}, false
}

// Changes counts the calls so far that may change something (every one
// but Describe*, Get* and List*).
func (h *Handler) Changes() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.changes
}

// SetFaults makes f decide, before each call, whether it fails (nil: none).
// It is safe to call while the sandbox serves.
func (h *Handler) SetFaults(f Fault) {
	h.mu.Lock()
	h.faults = f
	h.mu.Unlock()
}

type vpc struct {
	id, cidr, ipv6 string
	isDefault      bool
}

type group struct {
	id, name, description, vpc string
	// owner is the account that owns the group when another one shares
	// it with the sandbox's (RAM); "" is the sandbox's own.
	owner string
	tags  [][2]string
	rules [2][]rule // ingress, egress
}

// ownerID is the account that owns the group.
func (g *group) ownerID() string {
	if g.owner != "" {
		return g.owner
	}
	return Account
}

// rule is one permission with one peer; key identifies it as EC2 does.
type rule struct {
	key         ruleKey
	description string
	id          string
	tags        [][2]string // rule tags (TagSpecifications, CreateTags)
}

type ruleKey struct {
	proto    string
	from, to int
	kind     string // cidr4, cidr6, group, pl
	peer     string
}

// NewHandler returns a sandbox with a default VPC and its default group.
func NewHandler() *Handler {
	h := &Handler{groups: map[string]*group{}}
	h.vpcs = []vpc{{id: DefaultVPC, cidr: "172.31.0.0/16", isDefault: true}, {id: IPv6VPC, cidr: "10.9.0.0/16", ipv6: "2600:1f18:abc:de00::/56"}}
	def := &group{id: h.newID("sg-"), name: "default", description: "default VPC security group", vpc: DefaultVPC}
	def.rules[0] = []rule{{key: ruleKey{proto: "-1", from: -1, to: -1, kind: "group", peer: def.id}, id: h.newID("sgr-")}}
	def.rules[1] = []rule{{key: ruleKey{proto: "-1", from: -1, to: -1, kind: "cidr4", peer: "0.0.0.0/0"}, id: h.newID("sgr-")}}
	h.groups[def.id] = def
	h.order = append(h.order, def.id)
	h.lists = []prefixList{
		{id: CloudFrontList, name: "com.amazonaws.global.cloudfront.origin-facing", family: "IPv4", owner: "AWS", weight: 55},
		{id: InstanceConnectList, name: "com.amazonaws.<region>.ec2-instance-connect", family: "IPv4", owner: "AWS", weight: 2},
		{id: "pl-0e4c1c6a", name: "com.amazonaws.<region>.ipv6.ec2-instance-connect", family: "IPv6", owner: "AWS", weight: 2},
		{id: "pl-63a5400a", name: "com.amazonaws.<region>.s3", family: "IPv4", owner: "AWS", weight: 1},
		{id: "pl-02cd2c6b", name: "com.amazonaws.<region>.dynamodb", family: "IPv4", owner: "AWS", weight: 1},
		{id: OfficeList, name: "office-ranges", family: "IPv4", owner: Account, weight: 10},
	}
	return h
}

// newID is the next id of the sandbox's sequence: prefix and 17 hex digits.
func (h *Handler) newID(prefix string) string {
	h.ids.Lock()
	defer h.ids.Unlock()
	if h.ids.rng == nil {
		h.ids.rng = mrand.New(mrand.NewPCG(0x5a9d, 0xb0c5)) // fixed: the same ids every run
	}
	return fmt.Sprintf("%s%017x", prefix, h.ids.rng.Uint64())
}

// newID is a random id (request ids).
func newID(prefix string) string {
	b := make([]byte, 9)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)[:17]
}

// apiError is an EC2 error response.
type apiError struct {
	status        int
	code, message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func fail(code, format string, args ...any) *apiError {
	status := http.StatusBadRequest
	switch code {
	case "DryRunOperation":
		status = http.StatusPreconditionFailed
	case "UnauthorizedOperation":
		status = http.StatusForbidden
	}
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if isRAM(r) {
		h.serveRAM(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		writeError(w, fail("MalformedQueryString", "%v", err))
		return
	}
	action := r.Form.Get("Action")
	if err := h.admit(action, r, fail("UnauthorizedOperation", "You are not authorized to perform this operation.")); err != nil {
		writeError(w, err)
		return
	}
	if action == "AssumeRole" {
		// The sandbox is one account and holds no role: AWS says a role
		// that does not exist, or does not trust the caller, this way.
		// STS (awsQuery) errors have their own shape.
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::%s:user/sandbox is not authorized to perform: sts:AssumeRole on resource: %s</Message></Error><RequestId>%s</RequestId></ErrorResponse>`,
			Account, html.EscapeString(r.Form.Get("RoleArn")), newID(""))
		return
	}
	if action == "GetCallerIdentity" {
		writeXML(w, getCallerIdentityResponse{Result: callerIdentity{Account: Account, Arn: "arn:aws:iam::" + Account + ":user/sandbox", UserID: "AIDASANDBOX"}, RequestID: newID("")})
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	f := form(r.Form)
	if f.get("DryRun") == "true" && !strings.HasPrefix(action, "Describe") {
		writeError(w, fail("DryRunOperation", "Request would have succeeded, but DryRun flag is set."))
		return
	}
	var resp any
	var err *apiError
	switch action {
	case "DescribeVpcs":
		resp, err = h.describeVpcs(f)
	case "DescribeSecurityGroups":
		resp, err = h.describeGroups(f)
	case "CreateSecurityGroup":
		resp, err = h.createGroup(f)
	case "DeleteSecurityGroup":
		resp, err = h.deleteGroup(f)
	case "AuthorizeSecurityGroupIngress":
		resp, err = h.authorize(f, 0)
	case "AuthorizeSecurityGroupEgress":
		resp, err = h.authorize(f, 1)
	case "RevokeSecurityGroupIngress":
		resp, err = h.revoke(f, 0)
	case "RevokeSecurityGroupEgress":
		resp, err = h.revoke(f, 1)
	case "UpdateSecurityGroupRuleDescriptionsIngress":
		resp, err = h.describeRules(f, 0)
	case "UpdateSecurityGroupRuleDescriptionsEgress":
		resp, err = h.describeRules(f, 1)
	case "DescribeNetworkInterfaces":
		resp, err = h.describeInterfaces(f)
	case "DescribeLaunchTemplateVersions":
		resp, err = h.describeTemplates(f)
	case "DescribeSecurityGroupReferences":
		resp, err = h.describeReferences(f)
	case "DescribeSecurityGroupVpcAssociations":
		resp, err = h.describeAssociations(f)
	case "AssociateSecurityGroupVpc":
		resp, err = h.associate(f)
	case "DisassociateSecurityGroupVpc":
		resp, err = h.disassociate(f)
	case "DescribeRegions":
		resp = describeRegionsResponse{RequestID: newID(""), Regions: []xmlRegion{
			{Name: "us-east-1", Endpoint: "ec2.us-east-1.amazonaws.com", OptIn: "opt-in-not-required"},
			{Name: "eu-west-1", Endpoint: "ec2.eu-west-1.amazonaws.com", OptIn: "opt-in-not-required"}}}
	case "DescribeManagedPrefixLists":
		resp, err = h.describePrefixLists(f, regionOf(r))
	case "DescribeSecurityGroupRules":
		resp, err = h.describeSecurityGroupRules(f)
	case "DescribeInstances":
		resp, err = h.describeInstances(f)
	case "ModifyNetworkInterfaceAttribute":
		resp, err = h.modifyInterface(f)
	case "CreateManagedPrefixList":
		resp, err = h.createPrefixList(f, regionOf(r))
	case "GetManagedPrefixListEntries":
		resp, err = h.prefixListEntries(f)
	case "CreateTags":
		resp, err = h.tag(f, true)
	case "DeleteTags":
		resp, err = h.tag(f, false)
	default:
		err = fail("InvalidAction", "The action %s is not valid for this web service (the sgwiz sandbox serves security groups and VPCs).", action)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	writeXML(w, resp)
}

// admit counts a call and says whether it fails: by an injected fault
// (asked first), or as denied when its region is refused.
func (h *Handler) admit(action string, r *http.Request, denied *apiError) *apiError {
	h.mu.Lock()
	h.calls++
	if !strings.HasPrefix(action, "Describe") && !strings.HasPrefix(action, "Get") && !strings.HasPrefix(action, "List") {
		h.changes++
	}
	call, faults := h.calls, h.faults
	h.mu.Unlock()
	if faults != nil {
		if code, status := faults(action, call); code != "" {
			return &apiError{status: status, code: code, message: "injected by the test"}
		}
	}
	h.mu.Lock()
	deny := h.denied[regionOf(r)]
	h.mu.Unlock()
	if deny {
		return denied
	}
	return nil
}

func writeXML(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(xml.Header))
	_ = xml.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, e *apiError) {
	type xmlErr struct {
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	type response struct {
		XMLName   xml.Name `xml:"Response"`
		Errors    []xmlErr `xml:"Errors>Error"`
		RequestID string   `xml:"RequestID"`
	}
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(e.status)
	_ = xml.NewEncoder(w).Encode(response{Errors: []xmlErr{{e.code, e.message}}, RequestID: newID("")})
}

// form reads the Query protocol's numbered lists.
type form map[string][]string

func (f form) get(k string) string {
	if v := f[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// list returns prefix.1, prefix.2, … until one is missing.
func (f form) list(prefix string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := f[prefix+"."+strconv.Itoa(i)]
		if !ok {
			return out
		}
		out = append(out, v[0])
	}
}

// count returns how many prefix.N.* entries there are.
func (f form) count(prefix string) int {
	n := 0
	for k := range f {
		if rest, ok := strings.CutPrefix(k, prefix+"."); ok {
			num, _, _ := strings.Cut(rest, ".")
			if i, err := strconv.Atoi(num); err == nil && i > n {
				n = i
			}
		}
	}
	return n
}

func (f form) filters() map[string][]string {
	out := map[string][]string{}
	for i := 1; i <= f.count("Filter"); i++ {
		p := fmt.Sprintf("Filter.%d", i)
		out[f.get(p+".Name")] = f.list(p + ".Value")
	}
	return out
}

func (h *Handler) describeVpcs(f form) (any, *apiError) {
	ids := f.list("VpcId")
	filters := f.filters()
	resp := describeVpcsResponse{RequestID: newID("")}
	for _, id := range ids {
		if !h.hasVPC(id) {
			return nil, fail("InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", id)
		}
	}
	for _, v := range h.vpcs {
		if len(ids) > 0 && !contains(ids, v.id) {
			continue
		}
		if d, ok := filters["is-default"]; ok && !contains(d, strconv.FormatBool(v.isDefault)) {
			continue
		}
		x := xmlVpc{VpcID: v.id, CidrBlock: v.cidr, IsDefault: v.isDefault, State: "available", OwnerID: Account}
		if v.ipv6 != "" {
			x.IPv6 = []xmlVpcIPv6{{AssociationID: "vpc-cidr-assoc-" + v.id[4:], CidrBlock: v.ipv6, State: xmlCidrState{State: "associated"}}}
		}
		resp.Vpcs = append(resp.Vpcs, x)
	}
	return resp, nil
}

func (h *Handler) hasVPC(id string) bool { return h.vpc(id).id != "" }

func (h *Handler) vpc(id string) vpc {
	for _, v := range h.vpcs {
		if v.id == id {
			return v
		}
	}
	return vpc{}
}

func contains(xs []string, x string) bool {
	return slices.Contains(xs, x)
}

func (h *Handler) group(id string) (*group, *apiError) {
	if !strings.HasPrefix(id, "sg-") {
		return nil, fail("InvalidGroupId.Malformed", "Invalid id: \"%s\" (expecting \"sg-...\")", id)
	}
	g, ok := h.groups[id]
	if !ok {
		return nil, fail("InvalidGroup.NotFound", "The security group '%s' does not exist", id)
	}
	return g, nil
}

func (h *Handler) describeGroups(f form) (any, *apiError) {
	ids := f.list("GroupId")
	names := f.list("GroupName")
	filters := f.filters()
	for _, id := range ids {
		if _, err := h.group(id); err != nil {
			return nil, err
		}
	}
	var match []*group
	for _, id := range h.order {
		g := h.groups[id]
		if len(ids) > 0 && !contains(ids, g.id) || len(names) > 0 && !contains(names, g.name) {
			continue
		}
		if v, ok := filters["group-name"]; ok && !contains(v, g.name) {
			continue
		}
		if v, ok := filters["vpc-id"]; ok && !contains(v, g.vpc) {
			continue
		}
		if v, ok := filters["group-id"]; ok && !contains(v, g.id) {
			continue
		}
		match = append(match, g)
	}
	start, end, next := page(f, len(match))
	resp := describeGroupsResponse{RequestID: newID(""), NextToken: next}
	for _, g := range match[start:end] {
		resp.Groups = append(resp.Groups, g.xml())
	}
	return resp, nil
}

func (h *Handler) createGroup(f form) (any, *apiError) {
	name, desc, vpcID := f.get("GroupName"), f.get("GroupDescription"), f.get("VpcId")
	switch {
	case name == "":
		return nil, fail("MissingParameter", "The request must contain the parameter groupName")
	case desc == "":
		return nil, fail("MissingParameter", "The request must contain the parameter groupDescription")
	case strings.HasPrefix(strings.ToLower(name), "sg-"):
		return nil, fail("InvalidParameterValue", "Group names may not be in the format sg-*")
	case len(name) > 255 || len(desc) > 255:
		return nil, fail("InvalidParameterValue", "Value for parameter must be 255 characters or fewer")
	}
	if vpcID == "" {
		vpcID = DefaultVPC
	}
	if !h.hasVPC(vpcID) {
		return nil, fail("InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", vpcID)
	}
	for _, g := range h.groups {
		if g.vpc == vpcID && strings.EqualFold(g.name, name) {
			return nil, fail("InvalidGroup.Duplicate", "The security group '%s' already exists for VPC '%s'", name, vpcID)
		}
	}
	g := &group{id: h.newID("sg-"), name: name, description: desc, vpc: vpcID}
	for i := 1; i <= f.count("TagSpecification"); i++ {
		p := fmt.Sprintf("TagSpecification.%d", i)
		for j := 1; j <= f.count(p+".Tag"); j++ {
			t := fmt.Sprintf("%s.Tag.%d", p, j)
			g.tags = append(g.tags, [2]string{f.get(t + ".Key"), f.get(t + ".Value")})
		}
	}
	g.rules[1] = []rule{{key: ruleKey{proto: "-1", from: -1, to: -1, kind: "cidr4", peer: "0.0.0.0/0"}, id: h.newID("sgr-")}}
	if h.vpc(vpcID).ipv6 != "" {
		g.rules[1] = append(g.rules[1], rule{key: ruleKey{proto: "-1", from: -1, to: -1, kind: "cidr6", peer: "::/0"}, id: h.newID("sgr-")})
	}
	h.groups[g.id] = g
	h.order = append(h.order, g.id)
	resp := createGroupResponse{RequestID: newID(""), GroupID: g.id}
	for _, t := range g.tags {
		resp.Tags = append(resp.Tags, xmlTag{Key: t[0], Value: t[1]})
	}
	return resp, nil
}

func (h *Handler) deleteGroup(f form) (any, *apiError) {
	g, err := h.group(f.get("GroupId"))
	if err != nil {
		return nil, err
	}
	if g.name == "default" {
		return nil, fail("CannotDelete", "the specified group: \"%s\" name: \"default\" cannot be deleted by a user", g.id)
	}
	for _, other := range h.groups {
		if other.id == g.id {
			continue
		}
		for _, rules := range other.rules {
			for _, r := range rules {
				if r.key.kind == "group" && r.key.peer == g.id {
					return nil, fail("DependencyViolation", "resource %s has a dependent object", g.id)
				}
			}
		}
	}
	// A group must be disassociated from every other VPC first.
	for _, a := range h.associations {
		if a.group == g.id {
			return nil, fail("DependencyViolation", "resource %s has a dependent object (it is associated with %s)", g.id, a.vpc)
		}
	}
	delete(h.groups, g.id)
	for i, id := range h.order {
		if id == g.id {
			h.order = append(h.order[:i], h.order[i+1:]...)
			break
		}
	}
	return returnResponse{XMLName: xml.Name{Local: "DeleteSecurityGroupResponse"}, RequestID: newID(""), Return: true}, nil
}

// permissions reads IpPermissions.N into rules, checking them as EC2 does.
func (h *Handler) permissions(f form) ([]rule, *apiError) {
	var rules []rule
	n := f.count("IpPermissions")
	if n == 0 {
		return nil, fail("MissingParameter", "No permissions given")
	}
	for i := 1; i <= n; i++ {
		p := fmt.Sprintf("IpPermissions.%d", i)
		proto := strings.ToLower(f.get(p + ".IpProtocol"))
		switch proto {
		case "6":
			proto = "tcp"
		case "17":
			proto = "udp"
		case "1":
			proto = "icmp"
		case "58":
			proto = "icmpv6"
		}
		from, to := -1, -1
		switch proto {
		case "tcp", "udp", "icmp", "icmpv6":
			var err1, err2 error
			from, err1 = strconv.Atoi(f.get(p + ".FromPort"))
			to, err2 = strconv.Atoi(f.get(p + ".ToPort"))
			if (err1 != nil || err2 != nil) && proto != "icmpv6" {
				return nil, fail("InvalidParameterValue", "Invalid value for portRange. Must specify both from and to ports with TCP/UDP/ICMP.")
			}
			if err1 != nil || err2 != nil {
				from, to = -1, -1
			}
			if (proto == "tcp" || proto == "udp") && (from < 0 || to > 65535 || from > to) {
				return nil, fail("InvalidParameterValue", "Invalid value for portRange. Must specify a valid fromPort and toPort (%d-%d)", from, to)
			}
			if proto == "icmp" || proto == "icmpv6" {
				if from < -1 || from > 255 || to < -1 || to > 255 {
					return nil, fail("InvalidParameterValue", "Invalid ICMP type/code %d/%d", from, to)
				}
			}
		case "-1":
		default:
			if n, err := strconv.Atoi(proto); err != nil || n < 0 || n > 255 {
				return nil, fail("InvalidParameterValue", "Invalid value '%s' for IP protocol. Unknown protocol.", proto)
			}
		}
		add := func(kind, peer, desc string) *apiError {
			if len(desc) > 255 || strings.Trim(desc, descriptionChars) != "" {
				return fail("InvalidParameterValue", "Invalid rule description. Valid descriptions are strings less than 256 characters from the following set:  a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*")
			}
			rules = append(rules, rule{key: ruleKey{proto: proto, from: from, to: to, kind: kind, peer: peer}, description: desc})
			return nil
		}
		for j := 1; j <= f.count(p+".IpRanges"); j++ {
			q := fmt.Sprintf("%s.IpRanges.%d", p, j)
			c, err := netip.ParsePrefix(f.get(q + ".CidrIp"))
			if err != nil || !c.Addr().Is4() || c.Masked() != c {
				return nil, fail("InvalidParameterValue", "CIDR block %s is malformed", f.get(q+".CidrIp"))
			}
			if e := add("cidr4", c.String(), f.get(q+".Description")); e != nil {
				return nil, e
			}
		}
		for j := 1; j <= f.count(p+".Ipv6Ranges"); j++ {
			q := fmt.Sprintf("%s.Ipv6Ranges.%d", p, j)
			c, err := netip.ParsePrefix(f.get(q + ".CidrIpv6"))
			if err != nil || !c.Addr().Is6() || c.Masked() != c {
				return nil, fail("InvalidParameterValue", "CIDR block %s is malformed", f.get(q+".CidrIpv6"))
			}
			if e := add("cidr6", c.String(), f.get(q+".Description")); e != nil {
				return nil, e
			}
		}
		for j := 1; j <= f.count(p+".PrefixListIds"); j++ {
			q := fmt.Sprintf("%s.PrefixListIds.%d", p, j)
			if _, ok := h.prefixList(f.get(q + ".PrefixListId")); !ok {
				return nil, fail("InvalidPrefixListID.NotFound", "The prefix list ID '%s' does not exist", f.get(q+".PrefixListId"))
			}
			if e := add("pl", f.get(q+".PrefixListId"), f.get(q+".Description")); e != nil {
				return nil, e
			}
		}
		for j := 1; j <= f.count(p+".Groups"); j++ {
			q := fmt.Sprintf("%s.Groups.%d", p, j)
			id := f.get(q + ".GroupId")
			if _, err := h.group(id); err != nil {
				return nil, err
			}
			if e := add("group", id, f.get(q+".Description")); e != nil {
				return nil, e
			}
		}
	}
	return rules, nil
}

// quotaCount counts rules as AWS does: IPv4 and IPv6 apart, a group
// reference counting for both, a prefix list for its family by its weight.
func (h *Handler) quotaCount(rules []rule) (v4, v6 int) {
	for _, r := range rules {
		l, isList := h.prefixList(r.key.peer)
		switch {
		case r.key.kind == "cidr4":
			v4++
		case r.key.kind == "cidr6":
			v6++
		case r.key.kind == "pl" && isList && l.family == "IPv6":
			v6 += l.weight
		case r.key.kind == "pl" && isList:
			v4 += l.weight
		default:
			v4++
			v6++
		}
	}
	return v4, v6
}

// target reads the group and the permissions a rule call names.
func (h *Handler) target(f form) (*group, []rule, *apiError) {
	g, err := h.group(f.get("GroupId"))
	if err != nil {
		return nil, nil, err
	}
	rules, err := h.permissions(f)
	return g, rules, err
}

// authorize adds every rule or none, as EC2 does.
func (h *Handler) authorize(f form, dir int) (any, *apiError) {
	g, rules, err := h.target(f)
	if err != nil {
		return nil, err
	}
	have := map[ruleKey]bool{}
	for _, r := range g.rules[dir] {
		have[r.key] = true
	}
	for _, r := range rules {
		if have[r.key] {
			return nil, fail("InvalidPermission.Duplicate", "the specified rule \"peer: %s, %s, from port: %d, to port: %d, ALLOW\" already exists", r.key.peer, strings.ToUpper(r.key.proto), r.key.from, r.key.to)
		}
		have[r.key] = true
	}
	if v4, v6 := h.quotaCount(append(append([]rule(nil), g.rules[dir]...), rules...)); v4 > Quota || v6 > Quota {
		return nil, fail("RulesPerSecurityGroupLimitExceeded", "The maximum number of rules per security group has been reached.")
	}
	tags, err := ruleTags(f)
	if err != nil {
		return nil, err
	}
	resp := authorizeResponse{XMLName: xml.Name{Local: [2]string{"AuthorizeSecurityGroupIngressResponse", "AuthorizeSecurityGroupEgressResponse"}[dir]}, RequestID: newID(""), Return: true}
	for _, r := range rules {
		r.id = h.newID("sgr-")
		r.tags = slices.Clone(tags) // each rule's own: CreateTags on one changes it alone
		g.rules[dir] = append(g.rules[dir], r)
		resp.Rules = append(resp.Rules, xmlRule{ID: r.id, GroupID: g.id, IsEgress: dir == 1, Protocol: r.key.proto, From: r.key.from, To: r.key.to})
	}
	return resp, nil
}

// revoke removes the rules that exist; as in a VPC, unknown ones are
// reported, not refused.
func (h *Handler) revoke(f form, dir int) (any, *apiError) {
	if f.count("SecurityGroupRuleId") > 0 {
		return h.revokeByID(f, dir)
	}
	g, rules, err := h.target(f)
	if err != nil {
		return nil, err
	}
	drop := map[ruleKey]bool{}
	for _, r := range rules {
		drop[r.key] = true
	}
	resp := revokeResponse{XMLName: xml.Name{Local: [2]string{"RevokeSecurityGroupIngressResponse", "RevokeSecurityGroupEgressResponse"}[dir]}, RequestID: newID(""), Return: true}
	found := map[ruleKey]bool{}
	kept := g.rules[dir][:0]
	for _, r := range g.rules[dir] {
		if drop[r.key] {
			found[r.key] = true
			continue
		}
		kept = append(kept, r)
	}
	g.rules[dir] = kept
	for _, r := range rules {
		if !found[r.key] {
			resp.Unknown = append(resp.Unknown, xmlPermissions([]rule{r})...)
		}
	}
	return resp, nil
}

func (h *Handler) describeRules(f form, dir int) (any, *apiError) {
	g, rules, err := h.target(f)
	if err != nil {
		return nil, err
	}
	for _, r := range rules {
		found := false
		for i := range g.rules[dir] {
			if g.rules[dir][i].key == r.key {
				g.rules[dir][i].description = r.description
				found = true
			}
		}
		if !found {
			return nil, fail("InvalidPermission.NotFound", "The specified rule does not exist in this security group.")
		}
	}
	return returnResponse{XMLName: xml.Name{Local: [2]string{"UpdateSecurityGroupRuleDescriptionsIngressResponse", "UpdateSecurityGroupRuleDescriptionsEgressResponse"}[dir]}, RequestID: newID(""), Return: true}, nil
}

// descriptionChars are the characters EC2 takes in a rule description.
const descriptionChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ._-:/()#,@[]+=&;{}!$*"

// tag adds (or replaces) or removes tags of groups; DeleteTags removes a
// key whatever its value unless one is given.
func (h *Handler) tag(f form, create bool) (any, *apiError) {
	var groups []*group
	var rules []*rule
	for _, id := range f.list("ResourceId") {
		if strings.HasPrefix(id, "sgr-") {
			r := h.ruleByID(id)
			if r == nil {
				return nil, fail("InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '%s' does not exist", id)
			}
			rules = append(rules, r)
			continue
		}
		g, err := h.group(id)
		if err != nil {
			return nil, err
		}
		groups = append(groups, g)
	}
	for i := 1; i <= f.count("Tag"); i++ {
		p := fmt.Sprintf("Tag.%d", i)
		k, v, hasValue := f.get(p+".Key"), f.get(p+".Value"), f[p+".Value"] != nil
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return nil, fail("InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use")
		}
		retag := func(tags [][2]string) [][2]string {
			var kept [][2]string // a new slice: tags may share an array with others
			for _, t := range tags {
				if t[0] != k || (!create && hasValue && t[1] != v) {
					kept = append(kept, t)
				}
			}
			if create {
				kept = append(kept, [2]string{k, v})
			}
			return kept
		}
		for _, g := range groups {
			g.tags = retag(g.tags)
		}
		for _, r := range rules {
			r.tags = retag(r.tags)
		}
	}
	name := "DeleteTagsResponse"
	if create {
		name = "CreateTagsResponse"
	}
	return returnResponse{XMLName: xml.Name{Local: name}, RequestID: newID(""), Return: true}, nil
}

// xml renders a group as DescribeSecurityGroups does.
func (g *group) xml() xmlGroup {
	x := xmlGroup{OwnerID: g.ownerID(), GroupID: g.id, GroupName: g.name, Description: g.description, VpcID: g.vpc,
		Ingress: xmlPermissions(g.rules[0]), Egress: xmlPermissions(g.rules[1])}
	for _, t := range g.tags {
		x.Tags = append(x.Tags, xmlTag{Key: t[0], Value: t[1]})
	}
	return x
}

// xmlPermissions groups rules by protocol and ports, as EC2 reports them.
func xmlPermissions(rules []rule) []xmlPermission {
	var out []xmlPermission
	index := map[[3]string]int{}
	for _, r := range rules {
		k := [3]string{r.key.proto, strconv.Itoa(r.key.from), strconv.Itoa(r.key.to)}
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			p := xmlPermission{Protocol: r.key.proto}
			if r.key.proto != "-1" && (r.key.proto == "tcp" || r.key.proto == "udp" || r.key.proto == "icmp" || r.key.proto == "icmpv6") {
				from, to := r.key.from, r.key.to
				p.From, p.To = &from, &to
			}
			out = append(out, p)
		}
		p := &out[i]
		switch r.key.kind {
		case "cidr4":
			p.IPRanges = append(p.IPRanges, xmlRange{CidrIP: r.key.peer, Description: r.description})
		case "cidr6":
			p.IPv6Ranges = append(p.IPv6Ranges, xmlRange6{CidrIPv6: r.key.peer, Description: r.description})
		case "pl":
			p.PrefixLists = append(p.PrefixLists, xmlPrefixList{ID: r.key.peer, Description: r.description})
		case "group":
			p.Groups = append(p.Groups, xmlPair{UserID: Account, GroupID: r.key.peer, Description: r.description})
		}
	}
	return out
}

// Groups lists the names of the groups that exist, sorted, for tests.
func (h *Handler) Groups() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var names []string
	for _, g := range h.groups {
		names = append(names, g.name)
	}
	sort.Strings(names)
	return names
}

// regionOf reads the region a request is signed for (SigV4's credential
// scope), us-east-1 when it is not signed.
func regionOf(r *http.Request) string {
	_, scope, ok := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	if parts := strings.Split(scope, "/"); ok && len(parts) > 2 {
		return parts[2]
	}
	return "us-east-1"
}

// describePrefixLists answers DescribeManagedPrefixLists: by id, by the
// prefix-list-id, prefix-list-name and owner-id filters.
func (h *Handler) describePrefixLists(f form, region string) (any, *apiError) {
	ids := f.list("PrefixListId")
	for _, id := range ids {
		if _, ok := h.prefixList(id); !ok {
			return nil, fail("InvalidPrefixListID.NotFound", "The prefix list ID '%s' does not exist", id)
		}
	}
	filters := f.filters()
	resp := describePrefixListsResponse{RequestID: newID("")}
	for _, l := range h.lists {
		name := strings.ReplaceAll(l.name, "<region>", region)
		keep := (len(ids) == 0 || contains(ids, l.id)) &&
			(filters["prefix-list-id"] == nil || contains(filters["prefix-list-id"], l.id)) &&
			(filters["prefix-list-name"] == nil || contains(filters["prefix-list-name"], name)) &&
			(filters["owner-id"] == nil || contains(filters["owner-id"], l.owner))
		if !keep {
			continue
		}
		x := xmlManagedPrefixList{ID: l.id, Name: name, Family: l.family, State: "create-complete", Owner: l.owner, Version: 1,
			Arn: fmt.Sprintf("arn:aws:ec2:%s:%s:prefix-list/%s", region, strings.Replace(l.owner, "AWS", "aws", 1), l.id)}
		if l.owner != "AWS" {
			x.MaxEntries = l.weight
		}
		resp.Lists = append(resp.Lists, x)
	}
	return resp, nil
}

// AddInterface makes a network interface carrying these groups, as an
// instance, a Lambda function or a load balancer has; it returns its id.
func (h *Handler) AddInterface(description string, groups ...string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	ni := networkInterface{id: h.newID("eni-"), description: description, groups: groups}
	h.interfaces = append(h.interfaces, ni)
	return ni.id
}

// AddLaunchTemplate makes a launch template whose version names these
// groups; it returns its id.
func (h *Handler) AddLaunchTemplate(name string, groups ...string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	lt := launchTemplate{id: newID("lt-"), name: name, version: 1, groups: groups}
	h.templates = append(h.templates, lt)
	return lt.id
}

// AddReference records that a group of a peered VPC refers to group id.
func (h *Handler) AddReference(id, fromVPC string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.references == nil {
		h.references = map[string][]string{}
	}
	h.references[id] = append(h.references[id], fromVPC)
}

// Seed fills the default VPC with n groups of rules inbound rules each
// (IPv4 CIDRs on port 443) and one network interface per group, faster
// than the API would, for benchmarks; it returns the groups' ids.
func (h *Handler) Seed(n, rules int) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	ids := make([]string, n)
	for i := range n {
		g := &group{id: h.newID("sg-"), name: fmt.Sprintf("seed-%d", i), description: "seeded", vpc: DefaultVPC}
		for j := range rules {
			g.rules[0] = append(g.rules[0], rule{key: ruleKey{proto: "tcp", from: 443, to: 443, kind: "cidr4",
				peer: fmt.Sprintf("10.%d.%d.0/24", j/256, j%256)}, id: h.newID("sgr-"), description: "HTTPS from a branch"})
		}
		g.rules[1] = []rule{{key: ruleKey{proto: "-1", from: -1, to: -1, kind: "cidr4", peer: "0.0.0.0/0"}, id: h.newID("sgr-")}}
		h.groups[g.id] = g
		h.order = append(h.order, g.id)
		h.interfaces = append(h.interfaces, networkInterface{id: h.newID("eni-"), groups: []string{g.id}})
		ids[i] = g.id
	}
	return ids
}

// page cuts n items by the call's NextToken and MaxResults: the range to
// answer and the next token ("" at the end).
func page(f form, n int) (start, end int, next string) {
	if tok := f.get("NextToken"); tok != "" {
		start, _ = strconv.Atoi(tok)
	}
	start, end = min(start, n), n
	if max, _ := strconv.Atoi(f.get("MaxResults")); max > 0 && start+max < n {
		end = start + max
		next = strconv.Itoa(end)
	}
	return start, end, next
}

func (h *Handler) describeInterfaces(f form) (any, *apiError) {
	ids, filters := f.list("NetworkInterfaceId"), f.filters()
	for _, id := range ids {
		if h.iface(id) == nil {
			return nil, fail("InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '%s' does not exist", id)
		}
	}
	var chosen []networkInterface
	for _, ni := range h.interfaces {
		if (len(ids) == 0 || contains(ids, ni.id)) &&
			(filters["attachment.instance-id"] == nil || contains(filters["attachment.instance-id"], ni.instance)) &&
			(filters["group-id"] == nil || slices.ContainsFunc(ni.groups, func(g string) bool { return contains(filters["group-id"], g) })) {
			chosen = append(chosen, ni)
		}
	}
	start, end, next := page(f, len(chosen))
	resp := describeInterfacesResponse{RequestID: newID(""), NextToken: next}
	for _, ni := range chosen[start:end] {
		x := xmlInterface{ID: ni.id, Description: ni.description, Type: "interface", Status: "in-use", OwnerID: Account}
		if ni.instance != "" {
			x.Attachment = &xmlAttachment{Instance: ni.instance, Device: ni.device, Status: "attached"}
		}
		for _, id := range ni.groups {
			name := ""
			if g, ok := h.groups[id]; ok {
				name, x.VpcID = g.name, g.vpc
			}
			x.Groups = append(x.Groups, xmlGroupID{ID: id, Name: name})
		}
		resp.Interfaces = append(resp.Interfaces, x)
	}
	return resp, nil
}

// describeTemplates answers for the $Latest and $Default versions of
// every template, the one form audits use.
func (h *Handler) describeTemplates(f form) (any, *apiError) {
	if f.get("LaunchTemplateId") == "" && f.get("LaunchTemplateName") == "" && !contains(f.list("LaunchTemplateVersion"), "$Latest") && !contains(f.list("LaunchTemplateVersion"), "$Default") {
		return nil, fail("MissingParameter", "To describe the launch template data for all your launch templates, for --versions specify $Latest, $Default, or both.")
	}
	start, end, next := page(f, len(h.templates))
	resp := describeTemplatesResponse{RequestID: newID(""), NextToken: next}
	for _, lt := range h.templates[start:end] {
		resp.Versions = append(resp.Versions, xmlTemplateVersion{ID: lt.id, Name: lt.name, Version: lt.version, Default: true,
			Data: xmlTemplateData{Groups: lt.groups}})
	}
	return resp, nil
}

func (h *Handler) describeReferences(f form) (any, *apiError) {
	ids := f.list("GroupId")
	if len(ids) == 0 {
		return nil, fail("MissingParameter", "The request must contain the parameter groupId")
	}
	resp := describeReferencesResponse{RequestID: newID("")}
	for _, id := range ids {
		if _, err := h.group(id); err != nil {
			return nil, err
		}
		for _, vpc := range h.references[id] {
			resp.References = append(resp.References, xmlReference{GroupID: id, VpcID: vpc, Peering: "pcx-0sandbox"})
		}
	}
	return resp, nil
}

// Example gives the sandbox an account with the problems audits find, for
// sgwiz audit --sandbox and the wizard's audit: SSH open to the world on
// a group in use, a console launch-wizard group nothing uses, a database
// port open to the world, the default group with its rules, groups used
// by an interface, a launch template and another group's rule, and one
// used only in another VPC (ServicesVPC), with which it is associated.
func (h *Handler) Example() {
	add := func(name string, rules ...rule) string {
		h.mu.Lock()
		defer h.mu.Unlock()
		g := &group{id: h.newID("sg-"), name: name, description: name + " (example)", vpc: DefaultVPC,
			tags: [][2]string{{"Owner", "example"}}}
		for _, r := range rules {
			r.id = h.newID("sgr-")
			g.rules[0] = append(g.rules[0], r)
		}
		g.rules[1] = []rule{{key: ruleKey{proto: "-1", from: -1, to: -1, kind: "cidr4", peer: "0.0.0.0/0"}, id: h.newID("sgr-")}}
		h.groups[g.id] = g
		h.order = append(h.order, g.id)
		return g.id
	}
	tcp := func(port int, kind, peer, desc string) rule {
		return rule{key: ruleKey{proto: "tcp", from: port, to: port, kind: kind, peer: peer}, description: desc}
	}
	web := add("web-prod", tcp(443, "cidr4", "0.0.0.0/0", "HTTPS from anywhere"), tcp(22, "cidr4", "0.0.0.0/0", "SSH for the vendor"))
	add("launch-wizard-1", tcp(22, "cidr4", "0.0.0.0/0", ""))
	db := add("db-legacy", tcp(3306, "cidr4", "0.0.0.0/0", "MySQL for the old app"), tcp(3306, "group", web, "MySQL from web-prod"))
	batch := add("batch")
	h.AddInstance("web-prod-1", "running", web)
	h.AddInterface("db-legacy instance", db)
	h.AddLaunchTemplate("batch-workers", batch)
	// Last, so that the groups above keep the ids they had before it.
	h.mu.Lock()
	defer h.mu.Unlock()
	h.vpcs = append(h.vpcs, vpc{id: ServicesVPC, cidr: "10.20.0.0/16"})
	base := &group{id: h.newID("sg-"), name: "platform-baseline", description: "platform-baseline (example)", vpc: IPv6VPC,
		tags: [][2]string{{"Owner", "example"}}}
	base.rules[0] = []rule{{key: ruleKey{proto: "tcp", from: 443, to: 443, kind: "cidr4", peer: "10.0.0.0/8"}, id: h.newID("sgr-"), description: "HTTPS from the internal networks"}}
	base.rules[1] = []rule{{key: ruleKey{proto: "-1", from: -1, to: -1, kind: "cidr4", peer: "0.0.0.0/0"}, id: h.newID("sgr-")},
		{key: ruleKey{proto: "-1", from: -1, to: -1, kind: "cidr6", peer: "::/0"}, id: h.newID("sgr-")}}
	h.groups[base.id] = base
	h.order = append(h.order, base.id)
	h.associations = append(h.associations, vpcAssociation{group: base.id, vpc: ServicesVPC, state: "associated"})
}

// DenyRegion refuses every call signed for region, as an account's policy
// (or a region not opted in) does.
func (h *Handler) DenyRegion(region string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.denied == nil {
		h.denied = map[string]bool{}
	}
	h.denied[region] = true
}
