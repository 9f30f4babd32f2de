// An mTLS peer built on Java's JSSE, so certificates are judged by the TLS stack Java agents and servers use.
// A single source file, JDK only: `java Judge.java ...` runs it; the tests compile it once with javac to start faster.
//
//   java Judge.java server --ca CA --cert CERT --key KEY
//       listens on 127.0.0.1 (port 0), prints `listening PORT`, needs a client certificate on one connection,
//       then prints its verdict and exits.
//   java Judge.java client --ca CA [--cert CERT --key KEY] --server-name NAME --port PORT
//       connects to 127.0.0.1:PORT, verifies the server with HTTPS endpoint identification for NAME,
//       reads the server's greeting, prints its verdict.
//
// A verdict is one line of JSON: {"verdict":"accepted"} or {"verdict":"refused","error":"<JSSE's own messages>"},
// the error being the exception's message followed by its causes' messages, joined by " <- ".
// Bad arguments or unreadable files exit 2 with a message on stderr; they are not verdicts.

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

public class Judge {
	private static final String GREETING = "hello from the java judge";
	// Generous: the peer may be starting on a loaded machine.
	private static final int IO_LIMIT_MS = 60_000;
	private static final char[] STORE_PASSWORD = "in-memory".toCharArray();

	public static void main(String[] args) {
		try {
			run(args);
		} catch (Exception error) {
			// Files that cannot be read, a port nobody listens on: the judge could not judge, so no verdict.
			fail(error.toString());
		}
	}

	private static void run(String[] args) throws Exception {
		if (args.length < 1) fail("Judge needs a mode: server or client");
		Map<String, String> options = parse(args);
		SSLContext context = context(options);
		switch (args[0]) {
			case "server" -> {
				if (!options.containsKey("cert") || !options.containsKey("key")) fail("Judge needs --cert and --key for the server");
				serve(context);
			}
			case "client" -> {
				if (!options.containsKey("server-name") || !options.containsKey("port")) fail("Judge needs --server-name and --port for the client");
				connect(context, options.get("server-name"), Integer.parseInt(options.get("port")));
			}
			default -> fail("Judge needs mode server or client, not \"" + args[0] + "\"");
		}
	}

	private static void serve(SSLContext context) throws Exception {
		try (SSLServerSocket listener = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			listener.setNeedClientAuth(true);
			System.out.println("listening " + listener.getLocalPort());
			System.out.flush();
			try (SSLSocket socket = (SSLSocket) listener.accept()) {
				socket.setSoTimeout(IO_LIMIT_MS);
				try {
					socket.startHandshake();
					OutputStream out = socket.getOutputStream();
					out.write((GREETING + "\n").getBytes(StandardCharsets.UTF_8));
					out.flush();
					verdict(null);
				} catch (Exception error) {
					verdict(error);
				}
			}
		}
	}

	private static void connect(SSLContext context, String serverName, int port) throws Exception {
		Socket plain = new Socket();
		plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), IO_LIMIT_MS);
		// Layering over a connected socket lets the name checked differ from the address dialled.
		try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, serverName, port, true)) {
			socket.setSoTimeout(IO_LIMIT_MS);
			SSLParameters parameters = socket.getSSLParameters();
			parameters.setEndpointIdentificationAlgorithm("HTTPS");
			socket.setSSLParameters(parameters);
			try {
				socket.startHandshake();
				// In TLS 1.3 the client's handshake ends before the server has judged the client certificate:
				// only the server's greeting proves the server accepted us.
				String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
				if (line == null) throw new java.io.EOFException("connection closed before the server's greeting");
				if (!line.startsWith("hello from the ")) throw new IllegalStateException("unexpected greeting \"" + line + "\"");
				verdict(null);
			} catch (Exception error) {
				verdict(error);
			}
		}
	}

	private static SSLContext context(Map<String, String> options) throws Exception {
		if (!options.containsKey("ca")) fail("Judge needs --ca");
		KeyStore trust = KeyStore.getInstance("PKCS12");
		trust.load(null, null);
		List<Certificate> authorities = certificates(options.get("ca"));
		for (int index = 0; index < authorities.size(); index++) trust.setCertificateEntry("ca-" + index, authorities.get(index));
		TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trustManagers.init(trust);

		KeyManagerFactory keyManagers = null;
		if (options.containsKey("cert") || options.containsKey("key")) {
			if (!options.containsKey("cert") || !options.containsKey("key")) fail("Judge needs --cert and --key together");
			KeyStore own = KeyStore.getInstance("PKCS12");
			own.load(null, null);
			own.setKeyEntry("own", privateKey(options.get("key")), STORE_PASSWORD, certificates(options.get("cert")).toArray(new Certificate[0]));
			keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			keyManagers.init(own, STORE_PASSWORD);
		}

		SSLContext context = SSLContext.getInstance("TLS");
		context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
		return context;
	}

	private static List<Certificate> certificates(String path) throws Exception {
		List<Certificate> found = new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(Files.readAllBytes(Path.of(path)))));
		if (found.isEmpty()) fail("no PEM certificate in " + path);
		return found;
	}

	/** The wizard writes unencrypted PKCS#8; the key's algorithm is whichever KeyFactory accepts it. */
	private static PrivateKey privateKey(String path) throws Exception {
		String pem = Files.readString(Path.of(path));
		Matcher block = Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----").matcher(pem);
		if (!block.find()) fail("no unencrypted PKCS#8 key (BEGIN PRIVATE KEY) in " + path);
		PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(block.group(1)));
		for (String algorithm : new String[] {"RSA", "EC", "RSASSA-PSS", "Ed25519", "Ed448"}) {
			try {
				return KeyFactory.getInstance(algorithm).generatePrivate(spec);
			} catch (java.security.spec.InvalidKeySpecException notThisAlgorithm) {
				// try the next one
			}
		}
		fail("no KeyFactory accepts the key in " + path);
		return null;
	}

	private static void verdict(Exception error) {
		if (error == null) {
			System.out.println("{\"verdict\":\"accepted\"}");
			return;
		}
		List<String> messages = new ArrayList<>();
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			String message = cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage();
			// JSSE often wraps an exception in one carrying the same message.
			if (messages.isEmpty() || !messages.get(messages.size() - 1).equals(message)) messages.add(message);
		}
		System.out.println("{\"verdict\":\"refused\",\"error\":\"" + json(String.join(" <- ", messages)) + "\"}");
	}

	private static String json(String text) {
		StringBuilder out = new StringBuilder();
		for (char c : text.toCharArray()) {
			if (c == '"' || c == '\\') out.append('\\').append(c);
			else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
			else out.append(c);
		}
		return out.toString();
	}

	private static Map<String, String> parse(String[] args) {
		Map<String, String> options = new HashMap<>();
		for (int index = 1; index < args.length; index += 2) {
			if (!args[index].startsWith("--") || index + 1 >= args.length) fail("Judge cannot read the arguments at \"" + args[index] + "\"");
			options.put(args[index].substring(2), args[index + 1]);
		}
		return options;
	}

	private static void fail(String message) {
		System.err.println("Judge: " + message);
		System.exit(2);
	}
}
