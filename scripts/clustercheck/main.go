// Command clustercheck checks a running cluster (scripts/run-cluster.sh
// --check): a customer's message sent through one node reaches an agent's
// stream on another.
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/deskchat/deskchat/backend/chat"
	"github.com/deskchat/deskchat/backend/client"
	"github.com/deskchat/deskchat/backend/demo"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: clustercheck AGENT_NODE_URL CUSTOMER_NODE_URL")
		os.Exit(2)
	}
	if err := check(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "clustercheck:", err)
		os.Exit(1)
	}
}

func check(agentURL, customerURL string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ben, _, err := client.New(agentURL).Login(ctx, "ben@deskchat.test", demo.Password)
	if err != nil {
		return fmt.Errorf("sign in on %s: %w", agentURL, err)
	}
	st, err := ben.OpenStream(ctx, client.StreamOptions{})
	if err != nil {
		return err
	}
	defer st.Close()
	v, _, err := client.New(customerURL).CreateWidgetSession(ctx, chat.CustomerInfo{Name: "Cluster Check"})
	if err != nil {
		return fmt.Errorf("widget session on %s: %w", customerURL, err)
	}
	text := fmt.Sprintf("cluster check %d", time.Now().UnixNano())
	if _, _, _, err := v.CreateConversation(ctx, chat.NewConversation{Text: text}); err != nil {
		return err
	}
	for {
		f, err := st.Next(ctx)
		if err != nil {
			return fmt.Errorf("the message sent through %s never reached the stream on %s: %w", customerURL, agentURL, err)
		}
		if f.Event != nil && f.Event.Type == chat.EventMessageCreated && strings.Contains(string(f.Event.Data), text) {
			fmt.Printf("a message sent through %s reached the agent's stream on %s\n", customerURL, agentURL)
			return nil
		}
	}
}
