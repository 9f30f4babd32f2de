// An mTLS peer built on Go's crypto/tls, so certificates are judged by a TLS stack that shares no code with
// openssl, Node or the wizard. Standard library only: it builds without modules or network.
//
//	go-judge server --ca CA --cert CERT --key KEY
//	    listens on 127.0.0.1 (port 0), prints `listening PORT`, requires and verifies a client certificate
//	    on one connection, then prints its verdict and exits.
//	go-judge client --ca CA [--cert CERT --key KEY] --server-name NAME --port PORT
//	    connects to 127.0.0.1:PORT, verifies the server for NAME, reads the server's greeting, prints its verdict.
//
// A verdict is one line of JSON: {"verdict":"accepted"} or {"verdict":"refused","error":"<Go's own error text>"}.
// Bad arguments or unreadable files exit 2 with a message on stderr; they are not verdicts.
package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

const greeting = "hello from the go judge\n"

// Generous: the peer may be a JVM starting on a loaded machine.
const ioLimit = 60 * time.Second

func main() {
	if len(os.Args) < 2 {
		usage("a mode: server or client")
	}
	flags := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	ca := flags.String("ca", "", "CA certificates (PEM) to verify the peer with")
	cert := flags.String("cert", "", "own certificate chain (PEM)")
	key := flags.String("key", "", "own private key (PEM)")
	serverName := flags.String("server-name", "", "name the server must carry (client)")
	port := flags.Int("port", 0, "port on 127.0.0.1 to connect to (client)")
	_ = flags.Parse(os.Args[2:])

	roots := loadPool(*ca)
	switch os.Args[1] {
	case "server":
		if *cert == "" || *key == "" {
			usage("--cert and --key for the server")
		}
		serve(&tls.Config{
			Certificates: []tls.Certificate{loadPair(*cert, *key)},
			ClientCAs:    roots,
			ClientAuth:   tls.RequireAndVerifyClientCert,
		})
	case "client":
		if *serverName == "" || *port == 0 {
			usage("--server-name and --port for the client")
		}
		config := &tls.Config{RootCAs: roots, ServerName: *serverName}
		if *cert != "" || *key != "" {
			config.Certificates = []tls.Certificate{loadPair(*cert, *key)}
		}
		connect(config, *port)
	default:
		usage("mode server or client, not " + strconv.Quote(os.Args[1]))
	}
}

func serve(config *tls.Config) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail("listen on 127.0.0.1: " + err.Error())
	}
	fmt.Printf("listening %d\n", listener.Addr().(*net.TCPAddr).Port)
	raw, err := listener.Accept()
	if err != nil {
		fail("accept: " + err.Error())
	}
	listener.Close()
	conn := tls.Server(raw, config)
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(ioLimit))
	if err := conn.Handshake(); err != nil {
		verdict(err)
		return
	}
	_, err = conn.Write([]byte(greeting))
	verdict(err)
}

func connect(config *tls.Config, port int) {
	raw, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), ioLimit)
	if err != nil {
		fail("connect: " + err.Error())
	}
	conn := tls.Client(raw, config)
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(ioLimit))
	if err := conn.Handshake(); err != nil {
		verdict(err)
		return
	}
	// In TLS 1.3 the client finishes its handshake before the server has judged the client certificate:
	// only the server's greeting proves the server accepted us.
	line, err := bufio.NewReader(conn).ReadString('\n')
	// Any judge's greeting will do, so a Go client can judge a Java server and the other way round.
	if err == nil && !strings.HasPrefix(line, "hello from the ") {
		err = errors.New("unexpected greeting " + strconv.Quote(line))
	}
	verdict(err)
}

func verdict(err error) {
	out := map[string]string{"verdict": "accepted"}
	if err != nil {
		out = map[string]string{"verdict": "refused", "error": err.Error()}
	}
	line, _ := json.Marshal(out)
	fmt.Println(string(line))
}

func loadPool(path string) *x509.CertPool {
	if path == "" {
		usage("--ca")
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		fail(err.Error())
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		fail("no PEM certificate in " + path)
	}
	return pool
}

func loadPair(cert, key string) tls.Certificate {
	pair, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		fail(err.Error())
	}
	return pair
}

func usage(what string) {
	fail("go-judge needs " + what)
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, "go-judge: "+message)
	os.Exit(2)
}
