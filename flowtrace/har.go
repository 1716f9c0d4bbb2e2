package flowtrace

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// Limits on what a HAR file may hold. A HAR is read as a stream, entry by
// entry, so memory follows the largest entry and the bodies kept for
// analysis, not the file size.
const (
	// MaxHARBytes is the largest HAR file read (browsers' "preserve log"
	// sessions reach a few hundred megabytes).
	MaxHARBytes = 1 << 30
	// MaxEntries is the most entries read from one HAR.
	MaxEntries = 200_000
)

// maxHARBytes is MaxHARBytes; tests lower it.
var maxHARBytes int64 = MaxHARBytes

// Errors a caller tells apart with [errors.Is].
var (
	// ErrNotHAR means the file is JSON but not a HAR (no "log" object with
	// "entries").
	ErrNotHAR = errors.New("not a HAR file: a HAR is a JSON object with a \"log\" object holding \"entries\" (HAR 1.2); export it from the browser's network panel with \"Save all as HAR\"")
	// ErrTooLarge means the file passed [MaxHARBytes] or [MaxEntries].
	ErrTooLarge = errors.New("HAR file too large")
)

// HARError is a HAR that could not be read past some point: malformed or
// truncated JSON, or an entry of the wrong shape. Offset is the byte offset
// where reading stopped; Entries how many entries were read before.
type HARError struct {
	Offset  int64
	Entries int
	Err     error
}

// Error says where the file went wrong and what to do.
func (e *HARError) Error() string {
	return fmt.Sprintf("HAR file unreadable at byte %d, after %d entries: %v; export the HAR again (a file cut short by a copy or an upload ends like this)",
		e.Offset, e.Entries, e.Err)
}

// Unwrap returns the cause.
func (e *HARError) Unwrap() error { return e.Err }

// harNV is a name/value pair: a header, query parameter or form parameter.
type harNV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// harEntry is one HAR 1.2 entry, with the browser extras the analysis uses
// (Chrome's _resourceType, Safari's _fetchType, Chrome's response _error).
type harEntry struct {
	StartedDateTime string      `json:"startedDateTime"`
	Time            float64     `json:"time"` // ms
	Request         harRequest  `json:"request"`
	Response        harResponse `json:"response"`
	ResourceType    string      `json:"_resourceType"`
	FetchType       string      `json:"_fetchType"`
	Endpoint        string      `json:"_endpoint"` // written by Token Inspector (WriteTranscriptHAR)
}

type harRequest struct {
	Method      string       `json:"method"`
	URL         string       `json:"url"`
	Headers     []harNV      `json:"headers"`
	Cookies     []harNV      `json:"cookies"`
	QueryString []harNV      `json:"queryString"`
	PostData    *harPostData `json:"postData"`
}

type harPostData struct {
	MimeType string  `json:"mimeType"`
	Params   []harNV `json:"params"`
	Text     string  `json:"text"`
}

type harResponse struct {
	Status      float64    `json:"status"` // a number; some tools write 200.0
	StatusText  string     `json:"statusText"`
	Headers     []harNV    `json:"headers"`
	Cookies     []harNV    `json:"cookies"`
	Content     harContent `json:"content"`
	RedirectURL string     `json:"redirectURL"`
	Error       string     `json:"_error"` // Chrome: net::ERR_FAILED, CORS errors
}

type harContent struct {
	Size     float64 `json:"size"`
	MimeType string  `json:"mimeType"`
	Text     string  `json:"text"`
	Encoding string  `json:"encoding"`
}

// HARInfo describes the file as a whole.
type HARInfo struct {
	Version string `json:"version"`
	Creator string `json:"creator"` // name and version: "WebInspector 537.36", "Firefox 133.0"
	Browser string `json:"browser,omitempty"`
	Pages   int    `json:"pages"`
	Entries int    `json:"entries"`
	Bytes   int64  `json:"bytes"`
}

// harNameVersion is log.creator and log.browser.
type harNameVersion struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

func (n harNameVersion) String() string {
	if n.Version == "" {
		return n.Name
	}
	return n.Name + " " + n.Version
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// harVisitor receives what readHAR finds, in file order.
type harVisitor struct {
	entry    func(e *harEntry) error                      // each entry, decoded (when set)
	rawEntry func(raw json.RawMessage) error              // each entry's JSON text (when entry is nil)
	member   func(name string, raw json.RawMessage) error // log members other than entries, and top-level members other than log
	open     func(path string) error                      // "" (the document), "log", "log.entries": an object or array starts
	close    func(path string) error                      // ... and ends
	// progress, when set, is told the bytes read so far after each entry.
	progress func(read int64)
}

// readHAR reads a HAR 1.2 document from r as a stream: each entry is decoded
// and handed to v.entry in turn. A UTF-8 BOM is skipped (HAR 1.2: readers
// must ignore it). Member order does not matter.
func readHAR(r io.Reader, v harVisitor) (HARInfo, error) {
	cr := &countingReader{r: io.LimitReader(r, maxHARBytes+1)}
	br := bufio.NewReaderSize(cr, 64<<10)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	d := json.NewDecoder(br)
	h := &harReader{d: d, cr: cr, v: v}
	err := h.document()
	h.info.Bytes = cr.n
	if cr.n > maxHARBytes {
		return h.info, fmt.Errorf("%w: more than %d MB; record only the failing login (clear the network panel first), or split the recording", ErrTooLarge, maxHARBytes>>20)
	}
	if err != nil && !errors.Is(err, ErrNotHAR) && !errors.Is(err, ErrTooLarge) {
		switch {
		case cr.n == 0:
			err = fmt.Errorf("the file is empty: %w", io.ErrUnexpectedEOF)
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			err = fmt.Errorf("the file ends in the middle of the JSON: %w", io.ErrUnexpectedEOF)
		}
		var he *HARError
		if !errors.As(err, &he) {
			err = &HARError{Offset: d.InputOffset(), Entries: h.info.Entries, Err: err}
		}
	}
	return h.info, err
}

type harReader struct {
	d       *json.Decoder
	cr      *countingReader
	v       harVisitor
	info    HARInfo
	sawLog  bool
	sawList bool
}

func (h *harReader) document() error {
	err := h.container('{', "", func(name string) error {
		if name == "log" {
			h.sawLog = true
			return h.container('{', "log", h.logMember)
		}
		_, err := h.passMember(name, name)
		return err
	})
	if err == nil && (!h.sawLog || !h.sawList) {
		return ErrNotHAR
	}
	return err
}

// container reads an object (its members handed to member by name) or an
// array (member called with "" for each item) at path, between the
// visitor's open and close hooks. A value of another type is ErrNotHAR.
func (h *harReader) container(delim json.Delim, path string, member func(name string) error) error {
	t, err := h.d.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != delim {
		if path == "" {
			return ErrNotHAR
		}
		return fmt.Errorf("%w (%s is not a JSON %s)", ErrNotHAR, path, map[json.Delim]string{'{': "object", '[': "array"}[delim])
	}
	if err := h.hook(h.v.open, path); err != nil {
		return err
	}
	for h.d.More() {
		name := ""
		if delim == '{' {
			t, err := h.d.Token()
			if err != nil {
				return err
			}
			name, _ = t.(string)
		}
		if err := member(name); err != nil {
			return err
		}
	}
	if _, err := h.d.Token(); err != nil {
		return err
	}
	return h.hook(h.v.close, path)
}

// hook calls f, when set, with path.
func (h *harReader) hook(f func(string) error, path string) error {
	if f == nil {
		return nil
	}
	return f(path)
}

// passMember hands a member the analysis does not read to the visitor.
func (h *harReader) passMember(name, path string) (json.RawMessage, error) {
	var raw json.RawMessage
	if err := h.d.Decode(&raw); err != nil {
		return nil, err
	}
	if h.v.member != nil {
		return raw, h.v.member(path, raw)
	}
	return raw, nil
}

// logMember reads one member of log: the entries as a stream; version,
// creator, browser and pages noted; every other member passed on.
func (h *harReader) logMember(name string) error {
	if name == "entries" {
		h.sawList = true
		return h.container('[', "log.entries", h.entry)
	}
	raw, err := h.passMember(name, "log."+name)
	if err != nil {
		return err
	}
	switch name {
	case "version":
		json.Unmarshal(raw, &h.info.Version)
	case "creator":
		var n harNameVersion
		json.Unmarshal(raw, &n)
		h.info.Creator = n.String()
	case "browser":
		var n harNameVersion
		json.Unmarshal(raw, &n)
		h.info.Browser = n.String()
	case "pages":
		var pages []json.RawMessage
		json.Unmarshal(raw, &pages)
		h.info.Pages = len(pages)
	}
	return nil
}

// entry decodes one entry for the visitor.
func (h *harReader) entry(string) error {
	if h.info.Entries >= MaxEntries {
		return fmt.Errorf("%w: more than %d entries; record only the failing login (clear the network panel first)", ErrTooLarge, MaxEntries)
	}
	if h.v.progress != nil {
		h.v.progress(h.cr.n)
	}
	if h.v.entry == nil {
		var raw json.RawMessage
		if err := h.d.Decode(&raw); err != nil {
			return err
		}
		h.info.Entries++
		return h.v.rawEntry(raw)
	}
	var e harEntry
	if err := h.d.Decode(&e); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &HARError{Offset: h.d.InputOffset(), Entries: h.info.Entries, Err: fmt.Errorf("entry %d is not a HAR entry: %w", h.info.Entries+1, err)}
		}
		return err
	}
	if e.Request.URL == "" || e.Request.Method == "" {
		return &HARError{Offset: h.d.InputOffset(), Entries: h.info.Entries, Err: fmt.Errorf("entry %d has no request method or URL (HAR 1.2 §request)", h.info.Entries+1)}
	}
	h.info.Entries++
	return h.v.entry(&e)
}

// parseHARTime reads startedDateTime: ISO 8601 with a zone (Chrome and
// Safari write UTC "Z", Firefox a local offset).
func parseHARTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}
