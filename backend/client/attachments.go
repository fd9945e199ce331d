package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
)

// Upload sends a file (POST /v1/uploads?name=…): the answer is the
// attachment whose id a message's Attachments may name. contentType is
// only a claim (the server sniffs); "" sends none.
func (c *Client) Upload(ctx context.Context, name, contentType string, data []byte) (*chat.Attachment, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BaseURL+"/v1/uploads?name="+url.QueryEscape(name), bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	var att chat.Attachment
	if err := c.send(req, &att); err != nil {
		return nil, err
	}
	return &att, nil
}

// DiscardUpload removes one of my uploads that was not sent
// (DELETE /v1/uploads/{id}).
func (c *Client) DiscardUpload(ctx context.Context, id string) error {
	_, err := c.Do(ctx, http.MethodDelete, "/v1/uploads/"+url.PathEscape(id), nil, nil)
	return err
}

// ForTransfers returns a copy of c whose requests have no overall time
// limit (the HTTP client's Timeout covers a whole body: a large file on a
// slow line would never make it); give each call a context deadline
// instead, e.g. TransferTimeout.
func (c *Client) ForTransfers() *Client {
	cc := *c
	h := *c.HTTP
	h.Timeout = 0
	cc.HTTP = &h
	return &cc
}

// TransferTimeout is a deadline for moving size bytes: a minute, plus the
// time the bytes take at 32 KB/s (a poor mobile line).
func TransferTimeout(size int64) time.Duration {
	return time.Minute + time.Duration(size/(32<<10))*time.Second
}

// Download is a file as the server serves it.
type Download struct {
	Data        []byte
	ContentType string
	Disposition string // Content-Disposition: inline (images) or attachment
	Header      http.Header
}

// Download fetches an attachment (GET /v1/attachments/{id}, or its
// thumbnail), at most 64 MB.
func (c *Client) Download(ctx context.Context, id string, thumbnail bool) (*Download, error) {
	p := "/v1/attachments/" + url.PathEscape(id)
	if thumbnail {
		p += "/thumbnail"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.BaseURL+p, nil)
	if err != nil {
		return nil, err
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 400 {
		return nil, answerError(resp.StatusCode, data)
	}
	return &Download{Data: data, ContentType: resp.Header.Get("Content-Type"), Disposition: resp.Header.Get("Content-Disposition"), Header: resp.Header}, nil
}

// send does req with the token and decodes a JSON answer into out.
func (c *Client) send(req *http.Request, out any) error {
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 400 {
		return answerError(resp.StatusCode, data)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("deskchat: decode %s %s: %w", req.Method, req.URL.Path, err)
	}
	return nil
}
