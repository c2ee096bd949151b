package model

// GroupSpec is one group of a draft: its selections rather than its rules.
type GroupSpec struct {
	Name string
	Role Role
	// Description, when set, is the group description as the user gave it;
	// otherwise it is derived from the role and the inbound selections.
	Description string
	// ID is set for a group that exists already; Tags add to the draft's.
	ID              string
	Tags            []Tag
	Ingress, Egress []Selection
	// Extras are what rules carry besides what the selections make: their
	// own tags, and their ids in AWS (an imported group's), by direction
	// and rule; nil when none does.
	Extras map[RuleRef]RuleExtra
}

// RuleRef names a rule of a group: its direction and its key.
type RuleRef struct {
	Dir Direction
	Key RuleKey
}

// RuleExtra is what a rule carries besides its selection's making.
type RuleExtra struct {
	Tags Tags
	ID   string
}

// withExtras gives the rules of group g's direction their tags and ids.
func (g GroupSpec) withExtras(dir Direction, rules []Rule) []Rule {
	if len(g.Extras) == 0 {
		return rules
	}
	for i := range rules {
		if x, ok := g.Extras[RuleRef{dir, rules[i].Key()}]; ok {
			rules[i].Tags, rules[i].ID = x.Tags, x.ID
		}
	}
	return rules
}

// Selections returns the selections of one direction.
func (g *GroupSpec) Selections(d Direction) []Selection {
	if d == Egress {
		return g.Egress
	}
	return g.Ingress
}

func (g *GroupSpec) setSelections(d Direction, sels []Selection) {
	if d == Egress {
		g.Egress = sels
	} else {
		g.Ingress = sels
	}
}

// Draft is a plan in the making: the use case and its answers, and the
