package export

import "regexp"

// CloudFormation reads YAML as YAML 1.1, where more plain scalars are not
// strings than in the YAML 1.2 that the encoder quotes for: yes, no, on,
// off, y and n are booleans, 1:20 is 80 (base 60), 0777 is 511, = is the
// value key and << a merge. A string that YAML 1.1 would read as anything
// but itself is written double-quoted.

// yaml11 are the YAML 1.1 type repository's implicit resolvers
// (yaml.org/type: bool, int, float, null, merge, value, timestamp).
var yaml11 = regexp.MustCompile(`^(?:` +
	`y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF` + // bool
	`|[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+` + // int
	`|[-+]?(?:[0-9][0-9_]*)?\.[0-9.]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)` + // float
	`|~|null|Null|NULL|<<|=` + // null, merge, value
	`|[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?` + // timestamp
	`)$`)

// notStringIn11 reports whether a YAML 1.1 reader would read s, written
// plain, as something other than the string s: a boolean, a number, null,
// a date, or the merge and value keys. The empty string is null.
func notStringIn11(s string) bool { return s == "" || yaml11.MatchString(s) }
