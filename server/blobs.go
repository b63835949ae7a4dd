package server

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"jiuzhu/server/store"
	"jiuzhu/shared/api"
	"jiuzhu/shared/model"
	"jiuzhu/shared/sync"
)

// Blobs: the bytes of attachments (photos taken on the tablets). An
// attachment record names its bytes by their SHA-256 in its sha256 field;
// the bytes travel over HTTP, apart from the sync websocket, in chunks that
// resume where an interrupted upload stopped:
//
//	GET /api/blobs/{sha}/status          → api.BlobStatus
//	PUT /api/blobs/{sha}?offset=N&total=T  one chunk → api.BlobStatus
//	GET /api/blobs/{sha}                 → the bytes
//
// Each request carries the session token of the device's login as
// "Authorization: Bearer <token>". An upload belongs to its user until its
// last chunk arrives and the bytes hash to sha; then it becomes the blob
// (stored once, however many users upload the same bytes) and its user one
// of the blob's uploaders.
//
// Access rules. Knowing a SHA-256 is not the same as having the bytes: a
// worker may have seen a photo's sha256 field in a case later reassigned
// away from them, and anyone may write an attachment naming any sha in a
// case of their own. So a sha alone must never unlock the bytes:
//
//  1. A user who uploaded the blob (sent all of its bytes, which verified)
//     may always download it.
//  2. Anyone else may download it only through an attachment record that
//     names it in its current sha256 field, is not deleted, belongs to a
//     root they see, and whose sha256 value was written (the field's
//     winning write, FieldState.By, set by the server from the pushing
//     session and never by the device) by one of the blob's uploaders. An
//     attachment naming a sha its author never uploaded vouches for
//     nothing.
//  3. Uploads dedupe only for the blob's uploaders. Anyone else must send
//     every byte from offset 0, as for a new blob; once they verify, the
//     user becomes an uploader too (the bytes are not stored again). Until
//     then the status endpoint and the answers to their chunks tell them
//     only about their own upload, never that the blob exists, and a
//     download they may not make is the same 404 as for a missing blob.

// Limits of the uploads in progress.
const (
	// maxPartials is how many uploads one user may have in progress, so
	// that nobody can fill the disk with uploads never finished.
	maxPartials = 32
	// partialIdle is how long an upload must have been left before it is
	// dropped to make room for a new one past maxPartials.
	partialIdle = time.Hour
)

// blobKey is the index key (IndexKey) of the attachment records naming a
// blob.
func blobKey(sha string) string { return "blob:" + sha }

// validSHA reports whether s is a SHA-256 as blobs are named: 64 lowercase
// hex digits.
func validSHA(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// indexBlobs records, for the attachments whose sha256 field the entries
// set, which blob they name; downloads look the records up by it. A key is
// not removed when the field changes again: the download checks the
// record's current value.
func (s *Server) indexBlobs(tx store.Tx, entries []sync.Entry) error {
	for _, e := range entries {
		if e.Rec.Type() != model.TypeAttachment || e.Field != "sha256" {
			continue
		}
		if sha, ok := sync.UnquoteJSON(e.Value); ok && validSHA(sha) {
			if err := tx.IndexKey(blobKey(sha), e.Rec, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// bearer is who a blob request comes from.
type bearer struct {
	user   store.User
	device string
}

// authBearer checks the request's session token as /sync does (auth.go:
// live, its device not revoked, its user enabled; the use renews it),
// answering 401 itself (session_expired, device_revoked, disabled) when it
// fails.
func (s *Server) authBearer(w http.ResponseWriter, r *http.Request) (bearer, bool) {
	token := bearerToken(r)
	if token == "" {
		writeAPIError(w, http.StatusUnauthorized, "no_token", "缺少登录凭据。", "Missing session token.")
		return bearer{}, false
	}
	a, err := s.authToken(r.Context(), token)
	if err != nil {
		s.writeAuthError(w, err)
		return bearer{}, false
	}
	return bearer{user: a.user, device: a.device.ID}, true
}

// internalError logs err and answers 500.
func (s *Server) internalError(w http.ResponseWriter, what string, err error) {
	s.log.Error(what, "err", err)
	writeAPIError(w, http.StatusInternalServerError, "internal", "服务器出错，请稍后再试。", "Server error; try again later.")
}

// blobRequest authenticates a blob request and checks the sha in its path,
// answering the errors itself.
func (s *Server) blobRequest(w http.ResponseWriter, r *http.Request) (bearer, string, bool) {
	b, ok := s.authBearer(w, r)
	if !ok {
		return bearer{}, "", false
	}
	sha := r.PathValue("sha")
	if !validSHA(sha) {
		writeAPIError(w, http.StatusBadRequest, "bad_sha", "校验值格式错误：应为 64 位小写十六进制数字。",
			"Bad SHA-256: want 64 lowercase hex digits.")
		return bearer{}, "", false
	}
	return b, sha, true
}

// isUploader reports whether user uploaded the whole of blob sha.
func isUploader(tx store.ReadTx, sha, user string) (bool, error) {
	up, err := tx.BlobUploaders(sha)
	if err != nil {
		return false, err
	}
	_, found := slices.BinarySearch(up, user)
	return found, nil
}

// haveBlob returns the length of blob sha when it exists and user is one of
// its uploaders; for anyone else it is as if the blob did not exist.
func haveBlob(tx store.ReadTx, sha, user string) (int64, bool, error) {
	n, ok, err := tx.BlobSize(sha)
	if err != nil || !ok {
		return 0, false, err
	}
	if mine, err := isUploader(tx, sha, user); err != nil || !mine {
		return 0, false, err
	}
	return n, true, nil
}

// blobStatus answers GET /api/blobs/{sha}/status: to an uploader of the
// blob, its length; to anyone else, how much of their own upload has
// arrived (0 for none), whether or not the blob exists.
func (s *Server) blobStatus(w http.ResponseWriter, r *http.Request) {
	b, sha, ok := s.blobRequest(w, r)
	if !ok {
		return
	}
	var st api.BlobStatus
	err := s.store.View(r.Context(), func(tx store.ReadTx) error {
		n, ok, err := haveBlob(tx, sha, b.user.ID)
		if err != nil || ok {
			st = api.BlobStatus{Size: n, Complete: ok}
			return err
		}
		p, _, err := tx.Partial(b.user.ID, sha)
		st.Size = p.Size
		return err
	})
	if err != nil {
		s.internalError(w, "blob status", err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// uploadOutcome is what an upload's transaction decided.
type uploadOutcome int

const (
	uploadOK       uploadOutcome = iota // chunk stored, or blob complete
	uploadConflict                      // offset is not where the upload stands
	uploadTooMany                       // too many uploads in progress
	uploadMismatch                      // the bytes do not hash to sha: dropped
)

// putBlob answers PUT /api/blobs/{sha}?offset=N&total=T, whose body is one
// chunk of the blob, starting at byte N of T.
func (s *Server) putBlob(w http.ResponseWriter, r *http.Request) {
	b, sha, ok := s.blobRequest(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	offset, err1 := strconv.ParseInt(q.Get("offset"), 10, 64)
	total, err2 := strconv.ParseInt(q.Get("total"), 10, 64)
	if err1 != nil || err2 != nil || offset < 0 || total < 0 || offset > total {
		writeAPIError(w, http.StatusBadRequest, "bad_request",
			"offset 和 total 必须是非负整数，且 offset 不大于 total。",
			"offset and total must be non-negative integers, offset at most total.")
		return
	}
	if total > api.MaxBlob {
		writeAPIError(w, http.StatusRequestEntityTooLarge, "too_large",
			fmt.Sprintf("文件过大：最大 %d MiB。", api.MaxBlob>>20),
			fmt.Sprintf("File too large: the limit is %d MiB.", api.MaxBlob>>20))
		return
	}
	chunk, err := readChunk(w, r)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeAPIError(w, http.StatusRequestEntityTooLarge, "chunk_too_large",
			fmt.Sprintf("分块过大：每块最大 %d KiB。", api.BlobChunk>>10),
			fmt.Sprintf("Chunk too large: the limit is %d KiB.", api.BlobChunk>>10))
		return
	case err != nil:
		writeAPIError(w, http.StatusBadRequest, "bad_body", "未能读取上传的数据。", "Could not read the uploaded bytes.")
		return
	case offset+int64(len(chunk)) > total:
		writeAPIError(w, http.StatusBadRequest, "beyond_total", "数据超出了文件的总长度。",
			"The chunk goes past the file's total length.")
		return
	}
	var st api.BlobStatus
	var out uploadOutcome
	err = s.store.Update(r.Context(), func(tx store.Tx) (err error) {
		st, out, err = s.upload(tx, b, sha, offset, total, chunk)
		return err
	})
	switch {
	case err != nil:
		s.internalError(w, "blob upload", err)
	case out == uploadConflict:
		writeJSON(w, http.StatusConflict, struct {
			api.Error
			api.BlobStatus
		}{api.Error{Code: "offset_mismatch",
			Message: fmt.Sprintf("上传位置不符：服务器已收到 %d 字节，请从那里继续。", st.Size),
			En:      fmt.Sprintf("Wrong offset: the server holds %d bytes; resume from there.", st.Size)}, st})
	case out == uploadTooMany:
		writeAPIError(w, http.StatusTooManyRequests, "too_many_uploads",
			fmt.Sprintf("同时进行的上传过多（最多 %d 个），请稍后再试。", maxPartials),
			fmt.Sprintf("Too many uploads in progress (at most %d); try again later.", maxPartials))
	case out == uploadMismatch:
		writeAPIError(w, http.StatusBadRequest, "hash_mismatch", "收到的数据与校验值（SHA-256）不符，请重新上传。",
			"The bytes do not match their SHA-256; upload them again.")
	default:
		writeJSON(w, http.StatusOK, st)
	}
}

// readChunk reads a request's body, at most api.BlobChunk bytes (else a
// *http.MaxBytesError).
func readChunk(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > api.BlobChunk {
		return nil, &http.MaxBytesError{Limit: api.BlobChunk}
	}
	body := http.MaxBytesReader(w, r.Body, api.BlobChunk)
	buf := bytes.NewBuffer(make([]byte, 0, max(r.ContentLength, 0)))
	_, err := buf.ReadFrom(body)
	return buf.Bytes(), err
}

// upload adds one chunk to b's upload of sha inside tx, and turns the
// upload into the blob once total bytes have arrived and they verify (or,
// when the blob exists already, makes b's user one of its uploaders).
func (s *Server) upload(tx store.Tx, b bearer, sha string, offset, total int64, chunk []byte) (api.BlobStatus, uploadOutcome, error) {
	user := b.user.ID
	if n, ok, err := haveBlob(tx, sha, user); err != nil || ok {
		// The user uploaded it before: nothing more to send. Anyone else
		// goes on below as if it were new, and must send every byte.
		if err == nil {
			err = tx.DropPartial(user, sha)
		}
		return api.BlobStatus{Size: n, Complete: true}, uploadOK, err
	}
	p, inFlight, err := tx.Partial(user, sha)
	if err != nil {
		return api.BlobStatus{}, uploadOK, err
	}
	if offset != p.Size {
		if p.Size > total {
			// Longer than the blob can be: start again.
			p.Size, err = 0, tx.DropPartial(user, sha)
		}
		return api.BlobStatus{Size: p.Size}, uploadConflict, err
	}
	if !inFlight {
		if room, err := s.makeRoom(tx, user); err != nil || !room {
			return api.BlobStatus{}, uploadTooMany, err
		}
	}
	size, err := tx.AppendPartial(user, sha, offset, chunk, s.now())
	if errors.Is(err, store.ErrOffset) {
		return api.BlobStatus{Size: size}, uploadConflict, nil
	}
	if err != nil || size < total {
		return api.BlobStatus{Size: size}, uploadOK, err
	}
	verified, err := tx.FinishBlob(user, sha)
	if err != nil || !verified {
		return api.BlobStatus{}, uploadMismatch, err
	}
	_, err = tx.AppendAudit(store.AuditEntry{At: s.now(), User: user, Device: b.device, Action: "blob_upload",
		Target: sha, Detail: strconv.FormatInt(size, 10) + " bytes"})
	return api.BlobStatus{Size: size, Complete: true}, uploadOK, err
}

// makeRoom reports whether user may start another upload: they have fewer
// than maxPartials in progress, or the stalest has been left for
// partialIdle, and is dropped.
func (s *Server) makeRoom(tx store.Tx, user string) (bool, error) {
	ps, err := tx.Partials(user)
	if err != nil || len(ps) < maxPartials {
		return err == nil, err
	}
	stalest := slices.MinFunc(ps, func(a, b store.Partial) int { return a.Updated.Compare(b.Updated) })
	if s.now().Sub(stalest.Updated) < partialIdle {
		return false, nil
	}
	return true, tx.DropPartial(user, stalest.SHA)
}

// getBlob answers GET /api/blobs/{sha} with the bytes, to a user who
// uploaded them or who sees an attachment naming them that an uploader
// wrote (see mayDownload); anyone else is told 404, as if the blob did not
// exist. The body is read before the
// transactions and the bytes written after them: none waits on the network.
func (s *Server) getBlob(w http.ResponseWriter, r *http.Request) {
	b, sha, ok := s.blobRequest(w, r)
	if !ok {
		return
	}
	var data []byte
	var found bool
	err := s.store.View(r.Context(), func(tx store.ReadTx) error {
		if _, ok, err := tx.BlobSize(sha); err != nil || !ok {
			return err
		}
		may, err := s.mayDownload(tx, b.user, sha)
		if err != nil || !may {
			return err
		}
		data, found, err = tx.Blob(sha)
		return err
	})
	if err != nil {
		s.internalError(w, "blob download", err)
		return
	}
	if !found {
		writeAPIError(w, http.StatusNotFound, "not_found", "没有这个文件，或您无权查看。", "No such file, or you may not see it.")
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", `"`+sha+`"`)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
}

// mayDownload reports whether user may have blob sha (the access rules at
// the top of this file): they uploaded it, or an attachment record that
// names it now, in a sha256 value one of its uploaders wrote, and is not
// deleted, belongs to a root they see.
func (s *Server) mayDownload(tx store.ReadTx, user store.User, sha string) (bool, error) {
	up, err := tx.BlobUploaders(sha)
	if err != nil {
		return false, err
	}
	if _, found := slices.BinarySearch(up, user.ID); found {
		return true, nil
	}
	recs, err := tx.Keyed(blobKey(sha))
	if err != nil || len(recs) == 0 {
		return false, err
	}
	users, err := s.userMap(tx)
	if err != nil {
		return false, err
	}
	for _, rec := range recs {
		f, ok, err := tx.Field(rec, "sha256")
		if err != nil {
			return false, err
		}
		if v, _ := sync.UnquoteJSON(f.Value); !ok || v != sha {
			continue
		}
		// Whoever wrote the value must have had the bytes: naming a sha
		// one merely knows grants nothing.
		if _, by := slices.BinarySearch(up, f.By); !by {
			continue
		}
		if d, ok, err := tx.Field(rec, sync.FieldDeleted); err != nil {
			return false, err
		} else if ok && d.Value == sync.ValueTrue {
			continue
		}
		root, err := rootOf(tx, rec)
		if err != nil {
			return false, err
		}
		owner, err := ownerOf(tx, s.reg, root)
		if err != nil {
			return false, err
		}
		if o, ok := users[owner]; ok && canSee(user, o) {
			return true, nil
		}
	}
	return false, nil
}
