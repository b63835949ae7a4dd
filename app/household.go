package app

import (
	"fmt"
	"strconv"

	goapp "github.com/maxence-charriere/go-app/v10/pkg/app"

	"jiuzhu/shared/i18n"
	"jiuzhu/shared/model"
)

// A household's income is judged per head and per month against the local
// minimum living guarantee (dibao) standard, whatever unit and period each
// was written in.

// monthlyPerHead converts a money value to fen per person per month (a
// household's amount is shared by size people).
func monthlyPerHead(m model.Money, size int64) (int64, bool) {
	fen := m.Amount
	if m.Period == "year" {
		fen = (fen + 6) / 12
	}
	if m.Per == "household" {
		if size <= 0 {
			return 0, false
		}
		fen = (fen + size/2) / size
	}
	return fen, true
}

// standing compares a household's income per head with the local
// standard. The income is the household's income_per_head, or when that
// is empty the sum of its members' incomes shared by its size. ok is false
// when either side is missing.
type standing struct {
	income, standard int64 // fen per person per month
	fromMembers      bool
	areaDiffers      bool
	ok               bool
}

func householdStanding(vals map[string]string, members []map[string]string) standing {
	var s standing
	label := model.Label{}
	size, err := strconv.ParseInt(vals["size"], 10, 64)
	if err != nil || size <= 0 {
		size = int64(len(members))
	}
	std, bad := model.ParseMoney(vals["dibao_standard"], label)
	if isEmpty(vals["dibao_standard"]) || bad != nil {
		return s
	}
	s.standard, s.ok = monthlyPerHead(std, 1)
	if std.Per == "household" {
		s.standard, s.ok = monthlyPerHead(std, size)
	}
	var area string
	if inc, bad := model.ParseMoney(vals["income_per_head"], label); !isEmpty(vals["income_per_head"]) && bad == nil {
		var ok bool
		s.income, ok = monthlyPerHead(inc, size)
		s.ok, area = s.ok && ok, inc.Area
	} else {
		var total int64
		n := 0
		for _, m := range members {
			if inc, bad := model.ParseMoney(m["income"], label); !isEmpty(m["income"]) && bad == nil {
				fen := inc.Amount
				if inc.Period == "year" {
					fen = (fen + 6) / 12
				}
				total += fen // a member's income is theirs: per person or per household alike
				area, n = inc.Area, n+1
			}
		}
		if n == 0 || size <= 0 {
			s.ok = false
			return s
		}
		s.income, s.fromMembers = (total+size/2)/size, true
	}
	s.areaDiffers = area != "" && std.Area != "" && area != std.Area
	return s
}

// yuan shows fen as yuan with two decimals.
func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// standingView says how the household's income per head compares with the
// standard (nil when it cannot be told).
func standingView(l i18n.Lang, s standing) ui {
	if !s.ok {
		return nil
	}
	var text string
	if s.income < s.standard {
		text = fmt.Sprintf(i18n.T(l, i18n.HouseholdBelow), yuan(s.income), yuan(s.standard), yuan(s.standard-s.income))
	} else {
		text = fmt.Sprintf(i18n.T(l, i18n.HouseholdNotBelow), yuan(s.income), yuan(s.standard))
	}
	if s.fromMembers {
		text += i18n.T(l, i18n.HouseholdFromMembers)
	}
	body := []ui{goapp.P().Text(text)}
	if s.areaDiffers {
		body = append(body, goapp.P().Class("jz-error").Text(i18n.T(l, i18n.HouseholdAreaDiffers)))
	}
	cls := "jz-standing"
	if s.income < s.standard {
		cls += " jz-below"
	}
	return goapp.Div().ID("household-standing").Class(cls).Attr("role", "status").Body(body...)
}
