package dcc

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/smetsim/smetsim/devices"
)

// Retry says how asynchronous delivery retries a Receive Response Service that fails (a transport
// error or any status other than 2xx).
type Retry struct {
	Attempts int           // tries in all
	First    time.Duration // wait before the second try; each later wait doubles
	Max      time.Duration // longest wait between tries
}

// DefaultRetry tries five times over about half a minute.
var DefaultRetry = Retry{Attempts: 5, First: time.Second, Max: 16 * time.Second}

// Message is one asynchronous message for a user: a device response, a device alert or a DCC
// alert, signed.
type Message struct {
	User      devices.EUI64
	URL       string // empty: kept in the outbox for the user to fetch
	Body      []byte
	Kind      string // "response", "device-alert", "dcc-alert"
	Delivered bool
	Attempts  int
	LastError string
}

// deliverer posts messages to users' Receive Response Services off the clock's goroutine,
// retrying failures; messages for users without a URL wait in the outbox.
//
// Each receiver URL has its own queue and worker, so messages to one receiver arrive in the order
// they were made, and a receiver that is down (whose retries take tens of seconds) holds up only
// its own messages, not other users'. A retry sends the identical document — same ResponseID,
// same signature — so a receiver that took a message whose acknowledgement was lost sees an
// exact duplicate, which DUIS asks receivers to tolerate; the DCC itself records the response
// once, whatever the number of attempts.
type deliverer struct {
	client *http.Client
	retry  Retry
	log    *slog.Logger

	mu      sync.Mutex
	queues  map[string]*queue // one per receiver URL
	outbox  map[devices.EUI64][]*Message
	sent    []*Message
	wg      sync.WaitGroup
	done    chan struct{}
	closing bool
}

// keptMessages bounds what the DCC keeps of the messages it sent and of each user's outbox (users
// without a Receive Response Service): a long serve run must not grow without end. At least the
// most recent keptMessages are kept.
const keptMessages = 10_000

func keep(ms []*Message, m *Message) []*Message {
	if len(ms) >= 2*keptMessages {
		ms = append(ms[:0], ms[len(ms)-keptMessages+1:]...)
	}
	return append(ms, m)
}

func newDeliverer(c *http.Client, r Retry, log *slog.Logger) *deliverer {
	return &deliverer{client: c, retry: r, log: log, queues: map[string]*queue{},
		outbox: map[devices.EUI64][]*Message{}, done: make(chan struct{})}
}

// queue is one receiver's messages waiting for its worker. It has no bound, so the clock's
// goroutine never waits for a slow or dead receiver.
type queue struct {
	mu    sync.Mutex
	items []*Message
	ready chan struct{} // a message was queued
}

func (q *queue) push(m *Message) {
	q.mu.Lock()
	q.items = append(q.items, m)
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

func (q *queue) pop() (*Message, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return nil, false
	}
	m := q.items[0]
	q.items[0] = nil
	q.items = q.items[1:]
	return m, true
}

// send queues a message; it never blocks the clock's goroutine.
func (d *deliverer) send(m *Message) {
	d.mu.Lock()
	if m.URL == "" || d.closing {
		d.outbox[m.User] = keep(d.outbox[m.User], m)
		d.mu.Unlock()
		return
	}
	q, ok := d.queues[m.URL]
	if !ok {
		q = &queue{ready: make(chan struct{}, 1)}
		d.queues[m.URL] = q
		go d.run(q)
	}
	d.wg.Add(1)
	d.mu.Unlock()
	q.push(m)
}

func (d *deliverer) run(q *queue) {
	for {
		if m, ok := q.pop(); ok {
			d.post(m)
			d.wg.Done()
			continue
		}
		select {
		case <-q.ready:
		case <-d.done:
			return
		}
	}
}

func (d *deliverer) post(m *Message) {
	wait := d.retry.First
	for m.Attempts < d.retry.Attempts {
		m.Attempts++
		err := d.try(m)
		if err == nil {
			m.Delivered = true
			break
		}
		m.LastError = err.Error()
		d.log.Warn("async delivery failed", "user", m.User.String(), "url", m.URL, "attempt", m.Attempts, "error", err)
		if m.Attempts < d.retry.Attempts {
			time.Sleep(wait)
			wait = min(wait*2, d.retry.Max)
		}
	}
	if !m.Delivered {
		d.log.Error("async delivery given up", "user", m.User.String(), "url", m.URL, "kind", m.Kind, "attempts", m.Attempts, "error", m.LastError)
	}
	d.mu.Lock()
	d.sent = keep(d.sent, m)
	d.mu.Unlock()
}

func (d *deliverer) try(m *Message) error {
	req, err := http.NewRequest(http.MethodPost, m.URL, bytes.NewReader(m.Body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/xml")
	rsp, err := d.client.Do(req)
	if err != nil {
		return err
	}
	defer rsp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(rsp.Body, 1<<20))
	if rsp.StatusCode/100 != 2 {
		return fmt.Errorf("HTTP %d", rsp.StatusCode)
	}
	return nil
}

func (d *deliverer) wait() { d.wg.Wait() }

func (d *deliverer) close() {
	d.mu.Lock()
	d.closing = true
	d.mu.Unlock()
	d.wg.Wait()
	close(d.done)
}

// Outbox returns and removes the messages waiting for a user without a Receive Response Service.
func (d *DCC) Outbox(user devices.EUI64) []*Message {
	d.deliver.mu.Lock()
	defer d.deliver.mu.Unlock()
	out := d.deliver.outbox[user]
	delete(d.deliver.outbox, user)
	return out
}

// Sent returns the messages posted so far, delivered or given up on (at least the most recent
// ten thousand).
func (d *DCC) Sent() []*Message {
	d.deliver.mu.Lock()
	defer d.deliver.mu.Unlock()
	return append([]*Message(nil), d.deliver.sent...)
}
