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
	"time"

	"jiuzhu/server"
	"jiuzhu/server/store"
)

// stdin is where `user add` and `user passwd` read the password; tests
// replace it.
var stdin io.Reader = os.Stdin

const userUsage = "Usage: jiuzhu user add|list|unlock|logout|passwd [flags]"

func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, userUsage)
		return 2
	}
	switch args[0] {
	case "add":
		return userAdd(ctx, args[1:], stdout, stderr)
	case "unlock", "logout", "passwd":
		return userAccount(ctx, args[0], args[1:], stdout, stderr)
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
		fmt.Fprintln(tw, "ID\tNAME\tROLE\tTEAM\tORG\tDISABLED\tLOCKED UNTIL")
		now := time.Now()
		for _, u := range users {
			locked := "-"
			if u.Locked(now) {
				locked = u.LockedUntil.Local().Format("2006-01-02 15:04")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%v\t%s\n", u.ID, u.Name, u.Role, u.Team, u.Org, u.Disabled, locked)
		}
		tw.Flush()
		return 0
	}
	fmt.Fprintf(stderr, "jiuzhu user: unknown subcommand %q\n%s\n", args[0], userUsage)
	return 2
}

// userAccount runs `user unlock`, `user logout` and `user passwd`, which
// act on one user named by their login name.
func userAccount(ctx context.Context, cmd string, args []string, stdout, stderr io.Writer) int {
	usage := map[string]string{
		"unlock": "Usage: jiuzhu user unlock [--data ./data] NAME\n  lifts the lock put on NAME after too many failed logins",
		"logout": "Usage: jiuzhu user logout [--data ./data] NAME\n  ends NAME's sessions on every device: each must log in again (its data stays)",
		"passwd": "Usage: jiuzhu user passwd [--data ./data] NAME < password\n  sets NAME's password (read from standard input), ends their sessions and lifts a lock",
	}[cmd]
	fs, data := dataFlags("user "+cmd, stderr)
	if code := parse(fs, args, usage); code >= 0 {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	name := fs.Arg(0)
	switch cmd {
	case "unlock":
		u, err := server.UnlockUser(ctx, *data, name)
		if err != nil {
			fmt.Fprintf(stderr, "jiuzhu user unlock: %v\n", err)
			return 1
		}
		if u.Locked(time.Now()) {
			fmt.Fprintf(stdout, "unlocked %s (was locked until %s)\n", name, u.LockedUntil.Local().Format("2006-01-02 15:04"))
		} else {
			fmt.Fprintf(stdout, "%s was not locked; failed logins are forgotten when the server restarts\n", name)
		}
	case "logout":
		n, err := server.LogoutEverywhere(ctx, *data, name)
		if err != nil {
			fmt.Fprintf(stderr, "jiuzhu user logout: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "logged %s out everywhere: %d sessions ended; their devices log in again at their next contact\n", name, n)
	case "passwd":
		password, err := readPassword()
		if err != nil {
			fmt.Fprintf(stderr, "jiuzhu user passwd: reading the password from standard input: %v\n", err)
			return 1
		}
		n, err := server.SetPassword(ctx, *data, name, password)
		if err != nil {
			fmt.Fprintf(stderr, "jiuzhu user passwd: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "set the password of %s: %d sessions ended; their devices log in again with it\n", name, n)
	}
	return 0
}

// readPassword reads a password, one line, from stdin.
func readPassword() (string, error) {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
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
	password, err := readPassword()
	if err != nil {
		fmt.Fprintf(stderr, "jiuzhu user add: reading the password from standard input: %v\n", err)
		return 1
	}
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
