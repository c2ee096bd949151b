package model

import (
	"fmt"
	"strings"
)

// never names, so renaming a group changes nothing else.
type Role string

// The roles of the use cases' groups.
const (
	RoleCustom       Role = ""
	RoleWeb          Role = "web"
	RoleLoadBalancer Role = "load-balancer"
	RoleApp          Role = "app"
	RoleDatabase     Role = "database"
	RoleBastion      Role = "bastion"
	RoleWindows      Role = "windows"
	RoleMail         Role = "mail"
)

var roles = []Role{RoleWeb, RoleLoadBalancer, RoleApp, RoleDatabase, RoleBastion, RoleWindows, RoleMail}

// Purpose says what a group of the role is for, the start of its
// derived description.
func (r Role) Purpose() string {
	switch r {
	case RoleWeb:
		return "Web server"
	case RoleLoadBalancer:
		return "Load balancer"
	case RoleApp:
		return "App servers"
	case RoleDatabase:
		return "Database server"
	case RoleBastion:
		return "Bastion host"
	case RoleWindows:
		return "Windows server"
	case RoleMail:
		return "Mail server"
	}
	return "Custom group"
}

// Subject is what a group of the role protects, as a rule's plain-words
// readout names it: a load balancer is not an instance.
func (r Role) Subject() string {
	switch r {
	case RoleLoadBalancer:
		return "this load balancer"
	case RoleDatabase:
		return "this database"
	case RoleApp:
		return "these app servers"
	}
	return "this instance"
}

// ParseRole reads a plan file's role.
func ParseRole(s string) (Role, error) {
	for _, r := range roles {
		if string(r) == s {
			return r, nil
		}
	}
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return "", fmt.Errorf("unknown role %q: use one of %s, or leave it out", s, strings.Join(names, ", "))
}
