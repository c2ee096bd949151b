package model

// AWS limits that sgwiz checks before anything reaches the API.
const (
	// MaxRulesPerDirection is the default quota of inbound or outbound rules
	// per group, counted separately for IPv4 and IPv6.
	MaxRulesPerDirection = 60
	// MaxNameLen bounds group names and group descriptions.
	MaxNameLen = 255
	// MaxRuleDescriptionLen bounds rule descriptions.
	MaxRuleDescriptionLen = 255
	// MaxTagKeyLen and MaxTagValueLen bound tags; MaxTags is per resource.
	MaxTagKeyLen   = 128
	MaxTagValueLen = 256
	MaxTags        = 50
	// MaxPlanGroups and MaxPlanRules bound what a plan file may hold
	// (groups; rules per group and direction): far above what AWS
	// accepts, low enough that a hostile file cannot exhaust memory.
	MaxPlanGroups = 500
	MaxPlanRules  = 5000
	// MaxPlanFileSize bounds a plan file: 16 MiB.
	MaxPlanFileSize = 16 << 20
)

// textChars are the characters EC2 allows in group names, group
// descriptions and rule descriptions. The current EC2 API reference
// (IpRange, Ipv6Range, PrefixListId, UserIdGroupPair: Description) allows
// & in rule descriptions too; older references did not.
const textChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ._-:/()#,@[]+=&;{}!$*"

// textCharsHelp is textChars as messages show it.
const textCharsHelp = "letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*"

// charset is a set of ASCII characters.
type charset [128]bool

func newCharset(chars string) *charset {
	var c charset
	for _, r := range chars {
		c[r] = true
	}
	return &c
}

var textCharset = newCharset(textChars)

// invalid returns the first character of s outside the set, if any.
func (c *charset) invalid(s string) (rune, bool) {
	for _, r := range s {
		if r > 127 || !c[r] {
			return r, true
		}
	}
	return 0, false
}
