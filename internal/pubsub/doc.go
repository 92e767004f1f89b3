// Package pubsub is a node's registry of Pub/Sub subscriptions: which
// clients listen to which channels (SUBSCRIBE), glob patterns (PSUBSCRIBE)
// and shard channels (SSUBSCRIBE), and, per client, what it listens to in
// the order it subscribed.
//
// The registry knows neither RESP nor sockets: a publisher asks it for the
// receivers of a channel and formats and delivers the message itself. It is
// safe for concurrent use: publishers run on their own connections' event
// loops while subscribers come and go on theirs. One lock guards it all;
// publishing takes it shared, so publishers do not wait for each other.
package pubsub
