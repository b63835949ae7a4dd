package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"jiuzhu/server"
	"jiuzhu/server/store"
)

// stdin is where `user add` reads the password; tests replace it.
var stdin io.Reader = os.Stdin

func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "Usage: jiuzhu user add|list [flags]")
		return 2
	}
	switch args[0] {
	case "add":
		return userAdd(ctx, args[1:], stdout, stderr)
	case "list":
		fs, data := dataFlags("user list", stderr)
		if code := parse(fs, args[1:], "Usage: jiuzhu user list [--data ./data]"); code >= 0 {
			return code
		}
		users, err := server.ListUsers(ctx, *data)
		if err != nil {
			fmt.Fprintf(stderr, "jiuzhu user list: %v\n", err)
			return 1
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tROLE\tTEAM\tORG\tDISABLED")
		for _, u := range users {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%v\n", u.ID, u.Name, u.Role, u.Team, u.Org, u.Disabled)
		}
		tw.Flush()
		return 0
	}
	fmt.Fprintf(stderr, "jiuzhu user: unknown subcommand %q\nUsage: jiuzhu user add|list [flags]\n", args[0])
	return 2
}

func userAdd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, data := dataFlags("user add", stderr)
	name := fs.String("name", "", "login name")
	role := fs.String("role", "worker", "worker, supervisor or admin")
	team := fs.String("team", "", "team (supervisors see their team's work)")
	org := fs.String("org", "", "org unit: administrative division code, e.g. 620102")
	if code := parse(fs, args, "Usage: jiuzhu user add --name NAME --role worker|supervisor|admin --team T --org CODE [--data ./data] < password"); code >= 0 {
		return code
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		fmt.Fprintf(stderr, "jiuzhu user add: reading the password from standard input: %v\n", err)
		return 1
	}
	password := strings.TrimRight(line, "\r\n")
	u, err := server.AddUser(ctx, *data, server.NewUser{Name: *name, Password: password, Role: store.Role(*role), Team: *team, Org: *org})
	if err != nil {
		fmt.Fprintf(stderr, "jiuzhu user add: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "added user %s (%s, %s)\n", u.Name, u.ID, u.Role)
	return 0
}

func runDevice(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "Usage: jiuzhu device list|revoke [flags]")
		return 2
	}
	switch args[0] {
	case "list":
		fs, data := dataFlags("device list", stderr)
		user := fs.String("user", "", "only this user's devices")
		if code := parse(fs, args[1:], "Usage: jiuzhu device list [--user NAME] [--data ./data]"); code >= 0 {
			return code
		}
		devices, err := server.ListDevices(ctx, *data, *user)
		if err != nil {
			fmt.Fprintf(stderr, "jiuzhu device list: %v\n", err)
			return 1
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tUSER\tNAME\tAPP\tLAST SEEN\tREVOKED")
		for _, d := range devices {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%v\n", d.ID, d.User, d.Name, d.App, d.LastSeen.Format("2006-01-02 15:04"), d.Revoked)
		}
		tw.Flush()
		return 0
	case "revoke":
		fs, data := dataFlags("device revoke", stderr)
		if code := parse(fs, args[1:], "Usage: jiuzhu device revoke [--data ./data] DEVICE_ID"); code >= 0 {
			return code
		}
		if fs.NArg() != 1 {
			fmt.Fprintln(stderr, "Usage: jiuzhu device revoke [--data ./data] DEVICE_ID")
			return 2
		}
		if err := server.RevokeDevice(ctx, *data, fs.Arg(0)); err != nil {
			fmt.Fprintf(stderr, "jiuzhu device revoke: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "revoked device %s: it wipes its data at its next contact\n", fs.Arg(0))
		return 0
	}
	fmt.Fprintf(stderr, "jiuzhu device: unknown subcommand %q\nUsage: jiuzhu device list|revoke [flags]\n", args[0])
	return 2
}

func dataFlags(name string, stderr io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs, fs.String("data", "./data", "the server's data directory (the server must be stopped)")
}

// parse parses flags; it returns -1 to go on, or the exit code.
func parse(fs *flag.FlagSet, args []string, usage string) int {
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	return -1
}
