package awstest

import "encoding/xml"

// The response shapes of the EC2 Query protocol (and STS's one call).

type xmlTag struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

type xmlRange struct {
	CidrIP      string `xml:"cidrIp"`
	Description string `xml:"description,omitempty"`
}

type xmlRange6 struct {
	CidrIPv6    string `xml:"cidrIpv6"`
	Description string `xml:"description,omitempty"`
}

type xmlPrefixList struct {
	ID          string `xml:"prefixListId"`
	Description string `xml:"description,omitempty"`
}

type xmlPair struct {
	UserID      string `xml:"userId"`
	GroupID     string `xml:"groupId"`
	Description string `xml:"description,omitempty"`
}

type xmlPermission struct {
	Protocol    string          `xml:"ipProtocol"`
	From        *int            `xml:"fromPort,omitempty"`
	To          *int            `xml:"toPort,omitempty"`
	Groups      []xmlPair       `xml:"groups>item"`
	IPRanges    []xmlRange      `xml:"ipRanges>item"`
	IPv6Ranges  []xmlRange6     `xml:"ipv6Ranges>item"`
	PrefixLists []xmlPrefixList `xml:"prefixListIds>item"`
}

type xmlGroup struct {
	OwnerID     string          `xml:"ownerId"`
	GroupID     string          `xml:"groupId"`
	GroupName   string          `xml:"groupName"`
	Description string          `xml:"groupDescription"`
	Ingress     []xmlPermission `xml:"ipPermissions>item"`
	Egress      []xmlPermission `xml:"ipPermissionsEgress>item"`
	VpcID       string          `xml:"vpcId"`
	Tags        []xmlTag        `xml:"tagSet>item"`
}

type describeGroupsResponse struct {
	XMLName   xml.Name   `xml:"DescribeSecurityGroupsResponse"`
	RequestID string     `xml:"requestId"`
	Groups    []xmlGroup `xml:"securityGroupInfo>item"`
	NextToken string     `xml:"nextToken,omitempty"`
}

type xmlVpc struct {
	VpcID     string       `xml:"vpcId"`
	OwnerID   string       `xml:"ownerId"`
	State     string       `xml:"state"`
	CidrBlock string       `xml:"cidrBlock"`
	IsDefault bool         `xml:"isDefault"`
	IPv6      []xmlVpcIPv6 `xml:"ipv6CidrBlockAssociationSet>item"`
}

type xmlVpcIPv6 struct {
	AssociationID string       `xml:"associationId"`
	CidrBlock     string       `xml:"ipv6CidrBlock"`
	State         xmlCidrState `xml:"ipv6CidrBlockState"`
}

type xmlCidrState struct {
	State string `xml:"state"`
}

type describeVpcsResponse struct {
	XMLName   xml.Name `xml:"DescribeVpcsResponse"`
	RequestID string   `xml:"requestId"`
	Vpcs      []xmlVpc `xml:"vpcSet>item"`
}

type createGroupResponse struct {
	XMLName   xml.Name `xml:"CreateSecurityGroupResponse"`
	RequestID string   `xml:"requestId"`
	Return    bool     `xml:"return"`
	GroupID   string   `xml:"groupId"`
	Tags      []xmlTag `xml:"tagSet>item"`
}

type returnResponse struct {
	XMLName   xml.Name
	RequestID string `xml:"requestId"`
	Return    bool   `xml:"return"`
}

type xmlRule struct {
	ID       string `xml:"securityGroupRuleId"`
	GroupID  string `xml:"groupId"`
	IsEgress bool   `xml:"isEgress"`
	Protocol string `xml:"ipProtocol"`
	From     int    `xml:"fromPort"`
	To       int    `xml:"toPort"`
}

type authorizeResponse struct {
	XMLName   xml.Name
	RequestID string    `xml:"requestId"`
	Return    bool      `xml:"return"`
	Rules     []xmlRule `xml:"securityGroupRuleSet>item"`
}

type revokeResponse struct {
	XMLName   xml.Name
	RequestID string          `xml:"requestId"`
	Return    bool            `xml:"return"`
	Unknown   []xmlPermission `xml:"unknownIpPermissionSet>item"`
}

type callerIdentity struct {
	Arn     string `xml:"Arn"`
	UserID  string `xml:"UserId"`
	Account string `xml:"Account"`
}

type getCallerIdentityResponse struct {
	XMLName   xml.Name       `xml:"GetCallerIdentityResponse"`
	Result    callerIdentity `xml:"GetCallerIdentityResult"`
	RequestID string         `xml:"ResponseMetadata>RequestId"`
}

type xmlManagedPrefixList struct {
	ID         string `xml:"prefixListId"`
	Family     string `xml:"addressFamily"`
	State      string `xml:"state"`
	Arn        string `xml:"prefixListArn"`
	Name       string `xml:"prefixListName"`
	MaxEntries int    `xml:"maxEntries,omitempty"`
	Version    int    `xml:"version"`
	Owner      string `xml:"ownerId"`
}

type describePrefixListsResponse struct {
	XMLName   xml.Name               `xml:"DescribeManagedPrefixListsResponse"`
	RequestID string                 `xml:"requestId"`
	Lists     []xmlManagedPrefixList `xml:"prefixListSet>item"`
}

type xmlGroupID struct {
	ID   string `xml:"groupId"`
	Name string `xml:"groupName"`
}

type xmlInterface struct {
	ID          string         `xml:"networkInterfaceId"`
	Description string         `xml:"description"`
	Type        string         `xml:"interfaceType"`
	Status      string         `xml:"status"`
	OwnerID     string         `xml:"ownerId"`
	VpcID       string         `xml:"vpcId"`
	Groups      []xmlGroupID   `xml:"groupSet>item"`
	Attachment  *xmlAttachment `xml:"attachment,omitempty"`
}

type xmlAttachment struct {
	Instance string `xml:"instanceId"`
	Device   int    `xml:"deviceIndex"`
	Status   string `xml:"status"`
}

type describeInterfacesResponse struct {
	XMLName    xml.Name       `xml:"DescribeNetworkInterfacesResponse"`
	RequestID  string         `xml:"requestId"`
	Interfaces []xmlInterface `xml:"networkInterfaceSet>item"`
	NextToken  string         `xml:"nextToken,omitempty"`
}

type xmlTemplateData struct {
	Groups []string `xml:"securityGroupIdSet>item"`
}

type xmlTemplateVersion struct {
	ID      string          `xml:"launchTemplateId"`
	Name    string          `xml:"launchTemplateName"`
	Version int             `xml:"versionNumber"`
	Default bool            `xml:"defaultVersion"`
	Data    xmlTemplateData `xml:"launchTemplateData"`
}

type describeTemplatesResponse struct {
	XMLName   xml.Name             `xml:"DescribeLaunchTemplateVersionsResponse"`
	RequestID string               `xml:"requestId"`
	Versions  []xmlTemplateVersion `xml:"launchTemplateVersionSet>item"`
	NextToken string               `xml:"nextToken,omitempty"`
}

type xmlReference struct {
	GroupID string `xml:"groupId"`
	VpcID   string `xml:"referencingVpcId"`
	Peering string `xml:"vpcPeeringConnectionId"`
}

type describeReferencesResponse struct {
	XMLName    xml.Name       `xml:"DescribeSecurityGroupReferencesResponse"`
	RequestID  string         `xml:"requestId"`
	References []xmlReference `xml:"securityGroupReferenceSet>item"`
}

type xmlRegion struct {
	Name     string `xml:"regionName"`
	Endpoint string `xml:"regionEndpoint"`
	OptIn    string `xml:"optInStatus"`
}

type describeRegionsResponse struct {
	XMLName   xml.Name    `xml:"DescribeRegionsResponse"`
	RequestID string      `xml:"requestId"`
	Regions   []xmlRegion `xml:"regionInfo>item"`
}

type xmlAssociation struct {
	GroupID      string `xml:"groupId"`
	VpcID        string `xml:"vpcId"`
	VpcOwnerID   string `xml:"vpcOwnerId"`
	State        string `xml:"state"`
	StateReason  string `xml:"stateReason,omitempty"`
	GroupOwnerID string `xml:"groupOwnerId"`
}

type describeAssociationsResponse struct {
	XMLName      xml.Name         `xml:"DescribeSecurityGroupVpcAssociationsResponse"`
	RequestID    string           `xml:"requestId"`
	Associations []xmlAssociation `xml:"securityGroupVpcAssociationSet>item"`
	NextToken    string           `xml:"nextToken,omitempty"`
}

type associationResponse struct {
	XMLName   xml.Name
	RequestID string `xml:"requestId"`
	State     string `xml:"state"`
}
