package export

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sgwiz/sgwiz/model"
)

// The audit as SARIF 2.1.0, the format code-scanning tools read (GitHub
// code scanning, Azure DevOps, SonarQube): one rule per sgwiz check, one
// result per finding, located at the group's ARN.

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Results     []sarifResult     `json:"results"`
	Invocations []sarifInvocation `json:"invocations"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	DefaultConfiguration sarifLevel     `json:"defaultConfiguration"`
	Properties           sarifRuleProps `json:"properties"`
}

type sarifLevel struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags             []string `json:"tags"`
	SecuritySeverity string   `json:"security-severity"`
	Precision        string   `json:"precision"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          sarifResultProps  `json:"properties"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical  `json:"physicalLocation"`
	LogicalLocations []sarifLogical `json:"logicalLocations"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifLogical struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifResultProps struct {
	Severity  string   `json:"severity"`
	Account   string   `json:"account"`
	Region    string   `json:"region"`
	VPC       string   `json:"vpcId"`
	GroupName string   `json:"groupName"`
	Where     string   `json:"where"`
	Fix       string   `json:"fix"`
	Controls  []string `json:"controls"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool                `json:"executionSuccessful"`
	Notifications       []sarifNotification `json:"toolExecutionNotifications"`
}

type sarifNotification struct {
	Level   string    `json:"level"`
	Message sarifText `json:"message"`
}

// sarifLevels are SARIF's levels and GitHub's security-severity scores
// for sgwiz's severities.
var sarifLevels = map[model.Severity]struct{ level, score string }{
	model.Critical: {"error", "9.5"}, model.High: {"error", "8.0"}, model.Medium: {"warning", "5.5"},
	model.Low: {"note", "3.0"}, model.Info: {"note", "1.0"},
}

// sarifRuleName is a check id as SARIF's PascalCase rule name.
func sarifRuleName(id string) string {
	var b strings.Builder
	for part := range strings.SplitSeq(id, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// groupARN is the group's Amazon Resource Name, where a result is.
func groupARN(f model.AuditFinding) string {
	partition := "aws"
	switch {
	case strings.HasPrefix(f.Region, "cn-"):
		partition = "aws-cn"
	case strings.HasPrefix(f.Region, "us-gov-"):
		partition = "aws-us-gov"
	}
	return fmt.Sprintf("arn:%s:ec2:%s:%s:security-group/%s", partition, f.Region, f.Account, f.GroupID)
}

func auditSARIF(r AuditReport, version string) ([]byte, error) {
	driver := sarifDriver{Name: "sgwiz", Version: version, InformationURI: "https://github.com/sgwiz/sgwiz", Rules: []sarifRule{}}
	index := map[string]int{}
	for i, c := range model.Checks {
		index[c.ID] = i
		lv := sarifLevels[c.Severity]
		driver.Rules = append(driver.Rules, sarifRule{ID: c.ID, Name: sarifRuleName(c.ID), ShortDescription: sarifText{c.Title},
			FullDescription: sarifText{c.Title + "."}, DefaultConfiguration: sarifLevel{lv.level},
			Properties: sarifRuleProps{Tags: append([]string{"security", "aws", "security-group"}, c.Controls...), SecuritySeverity: lv.score, Precision: "high"}})
	}
	run := sarifRun{Tool: sarifTool{Driver: driver}, Results: []sarifResult{}, Invocations: []sarifInvocation{{ExecutionSuccessful: r.Unread() == 0, Notifications: []sarifNotification{}}}}
	for _, s := range r.Scopes {
		switch {
		case s.Error != "":
			run.Invocations[0].Notifications = append(run.Invocations[0].Notifications, sarifNotification{"error", sarifText{fmt.Sprintf("%s %s not read: %s", s.Account, s.Region, s.Error)}})
		case len(s.Unchecked) > 0:
			run.Invocations[0].Notifications = append(run.Invocations[0].Notifications, sarifNotification{"warning", sarifText{fmt.Sprintf("%s %s: unused groups not reported: %s", s.Account, s.Region, strings.Join(s.Unchecked, "; "))}})
		}
	}
	for _, f := range r.Findings {
		lv := sarifLevels[f.Severity]
		arn := groupARN(f)
		where := ruleText(f)
		sum := sha256.Sum256([]byte(strings.Join([]string{f.ID, arn, findingKey(f)}, "\x00")))
		run.Results = append(run.Results, sarifResult{RuleID: f.ID, RuleIndex: index[f.ID], Level: lv.level,
			Message:             sarifText{fmt.Sprintf("%s (%s) %s: %s Fix: %s", f.GroupID, f.Group, where, f.Why, f.Fix)},
			Locations:           []sarifLocation{{PhysicalLocation: sarifPhysical{sarifArtifact{arn}}, LogicalLocations: []sarifLogical{{Name: f.GroupID, FullyQualifiedName: arn, Kind: "resource"}}}},
			PartialFingerprints: map[string]string{"sgwiz/v1": hex.EncodeToString(sum[:16])},
			Properties:          sarifResultProps{Severity: f.Severity.String(), Account: f.Account, Region: f.Region, VPC: f.VPC, GroupName: f.Group, Where: where, Fix: f.Fix, Controls: nonNil(f.Controls)}})
	}
	b, err := json.MarshalIndent(sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}}, "", "  ")
	return append(b, '\n'), err
}
