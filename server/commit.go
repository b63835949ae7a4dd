package server

import (
	"context"
	"time"

	"jiuzhu/server/store"
	"jiuzhu/shared/sync"
)

// Group commit: pushes from all connections queue up, and one goroutine
// applies whatever is waiting in one durable transaction, so that fifty
// tablets pushing at once share one fsync instead of queueing for fifty.
// Each push still gets its own ack, sent after the commit.

// maxGroup bounds one group: pushes, and changes across them.
const (
	maxGroupPushes  = 64
	maxGroupChanges = 20000
)

type pushJob struct {
	dev  deviceIdentity
	push *sync.Push
	done chan pushOutcome // buffered: the committer never blocks on it
}

type pushOutcome struct {
	res pushResult
	err error
}

// push queues a device's batch for the committer and waits for its
// outcome. If ctx ends first the batch may still commit; the device's
// resend is then acknowledged as already applied.
func (s *Server) push(ctx context.Context, dev deviceIdentity, p *sync.Push) (pushResult, error) {
	job := pushJob{dev: dev, push: p, done: make(chan pushOutcome, 1)}
	select {
	case s.pushes <- job:
	case <-ctx.Done():
		return pushResult{}, ctx.Err()
	case <-s.closing:
		return pushResult{}, errClosing
	}
	select {
	case out := <-job.done:
		return out.res, out.err
	case <-ctx.Done():
		return pushResult{}, ctx.Err()
	}
}

// committer runs until the server closes.
func (s *Server) committer() {
	defer close(s.committerDone)
	for {
		var first pushJob
		select {
		case first = <-s.pushes:
		case <-s.closing:
			return
		}
		group := []pushJob{first}
		n := len(first.push.Changes)
	gather:
		for len(group) < maxGroupPushes && n < maxGroupChanges {
			select {
			case j := <-s.pushes:
				group = append(group, j)
				n += len(j.push.Changes)
			default:
				break gather
			}
		}
		s.commitGroup(group)
	}
}

// commitGroup applies a group in one transaction. If that fails, each push
// is tried alone, so one push's failure is not the others'.
func (s *Server) commitGroup(group []pushJob) {
	results := make([]pushResult, len(group))
	err := s.applyGroup(group, results)
	if err != nil && len(group) > 1 {
		for _, j := range group {
			s.commitGroup([]pushJob{j})
		}
		return
	}
	// Scope must be known to have changed before anyone hears of the
	// commit: an ack or poke could otherwise make a device pull with the
	// scope it had before, and read past the new root's changes.
	for i := range group {
		if err == nil && results[i].rescoped {
			s.scopeGen.Add(1)
			break
		}
	}
	for i, j := range group {
		j.done <- pushOutcome{res: results[i], err: err}
	}
}

func (s *Server) applyGroup(group []pushJob, results []pushResult) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return s.store.Update(ctx, func(tx store.Tx) error {
		users, err := s.userMap(tx)
		if err != nil {
			return err
		}
		for i, j := range group {
			if results[i], err = s.applyPush(tx, users, j.dev, j.push); err != nil {
				return err
			}
		}
		return nil
	})
}
