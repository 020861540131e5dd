// Package tinykv is a Go client for tinykv servers.
package tinykv

import (
	"fmt"
	"net/http"
)

// Client talks to one tinykv server.
type Client struct {
	Host string
	http *http.Client
}

// NewClient returns a client for the server at host.
func NewClient(host string) *Client {
	return &Client{Host: host, http: &http.Client{}}
}

// Get returns the value stored under key, or an error when the
// server does not answer 200.
func (c *Client) Get(key string) ([]byte, error) {
	resp, err := c.http.Get(fmt.Sprintf("http://%s/keys/%s", c.Host, key))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("tinykv: %s: status %d", key, resp.StatusCode)
	}
	return readAll(resp)
}

func (c *Client) Close() {
	c.http.CloseIdleConnections()
}
