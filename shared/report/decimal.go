package report

import (
	"strconv"
	"strings"
)

// Decimal is a number with at most two decimal places, held exactly as a
// count of hundredths: hours, averages and percentages. Sums of field
// values (KindDecimal: at most two decimals) are exact; a quotient is
// rounded half up to hundredths once.
type Decimal int64

// String writes d with as few decimals as it needs: "3", "2.5", "4.67".
func (d Decimal) String() string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	whole, frac := int64(d)/100, int64(d)%100
	s := sign + strconv.FormatInt(whole, 10)
	switch {
	case frac == 0:
		return s
	case frac%10 == 0:
		return s + "." + strconv.FormatInt(frac/10, 10)
	case frac < 10:
		return s + ".0" + strconv.FormatInt(frac, 10)
	}
	return s + "." + strconv.FormatInt(frac, 10)
}

// MarshalJSON writes d as a JSON number, exactly as String does.
func (d Decimal) MarshalJSON() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalJSON reads a JSON number with at most two decimals exactly.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	v, ok := ParseDecimal(string(b))
	if !ok {
		return &strconv.NumError{Func: "ParseDecimal", Num: string(b), Err: strconv.ErrSyntax}
	}
	*d = v
	return nil
}

// ParseDecimal reads a decimal number ("2", "2.5", "-0.25") exactly, from
// its text rather than through a float; a third decimal and beyond round
// half up (away from zero). Exponents are refused.
func ParseDecimal(s string) (Decimal, bool) {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || dot && frac == "" || !digits(whole) || !digits(frac) || len(whole) > 15 {
		return 0, false
	}
	n, _ := strconv.ParseInt(whole, 10, 64)
	n *= 100
	for i := range 2 {
		n += int64(digit(frac, i)) * []int64{10, 1}[i]
	}
	if digit(frac, 2) >= 5 {
		n++
	}
	if neg {
		n = -n
	}
	return Decimal(n), true
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// digit is the i-th digit of s, 0 past its end.
func digit(s string, i int) int {
	if i < len(s) {
		return int(s[i] - '0')
	}
	return 0
}

// ratio is num/den as a Decimal, rounded half up (num, den ≥ 0; 0 when den
// is 0). num is in hundredths already when the result is a plain quotient:
// ratio(sum of hundredths, n) is an average.
func ratio(num, den int64) Decimal {
	if den <= 0 {
		return 0
	}
	return Decimal((2*num + den) / (2 * den))
}
