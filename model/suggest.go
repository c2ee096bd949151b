package model

import (
	"cmp"
	"strings"
)

// DidYouMean is the choice a mistyped value most likely meant, as
// " (did you mean postgresql?)", or "" when none is close: the choice
// within two edits of it (sshh → ssh, webmail → web-mail), else one that
// the value starts or that starts the value (postgre → postgresql).
func DidYouMean(value string, choices []string) string {
	v := strings.ToLower(strings.TrimSpace(value))
	if v == "" {
		return ""
	}
	best, bestDist, prefix := "", 3, ""
	for _, c := range choices {
		lc := strings.ToLower(c)
		if lc == v {
			return ""
		}
		if d := editDistance(v, lc); d < bestDist {
			best, bestDist = c, d
		}
		if prefix == "" && len(v) >= 3 && (strings.HasPrefix(lc, v) || strings.HasPrefix(v, lc)) {
			prefix = c
		}
	}
	if best = cmp.Or(best, prefix); best == "" {
		return ""
	}
	return " (did you mean " + best + "?)"
}

// editDistance is the Levenshtein distance of a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
