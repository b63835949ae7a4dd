package model

import "strings"

// ValidPhone reports whether s is a mainland mobile number (11 digits,
// 1[3-9]…) or a landline with area code (0 then 2–3 digits, an optional
// hyphen, then 7–8 digits), optionally with a "+86" or "86" prefix on
// mobiles.
func ValidPhone(s string) bool {
	m := s
	if strings.HasPrefix(m, "+86") {
		m = m[3:]
	} else if len(m) == 13 && strings.HasPrefix(m, "86") {
		m = m[2:]
	}
	if len(m) == 11 && m[0] == '1' {
		return m[1] >= '3' && m[1] <= '9' && digits(m)
	}
	if m != s {
		return false
	}
	if len(s) < 10 || s[0] != '0' {
		return false
	}
	area, num, hyph := "", "", strings.IndexByte(s, '-')
	if hyph >= 0 {
		area, num = s[:hyph], s[hyph+1:]
	} else {
		// Without a hyphen, 010 and 02x are 3-digit area codes, others 4.
		n := 4
		if s[1] == '1' || s[1] == '2' {
			n = 3
		}
		area, num = s[:n], s[n:]
	}
	return len(area) >= 3 && len(area) <= 4 && digits(area) && len(num) >= 7 && len(num) <= 8 && digits(num) && num[0] != '0'
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 0
}

// MaskPhone masks a mobile number for lists: 138****5678. Other numbers keep
// their first 3 and last 4 characters.
func MaskPhone(s string) string {
	if len(s) <= 7 {
		return strings.Repeat("*", len(s))
	}
	return s[:3] + strings.Repeat("*", len(s)-7) + s[len(s)-4:]
}
