// A typical firewall rule set: twenty rules of the kinds the Go original's README shows, three of them with
// `matches`, over a `request` map like the one the WAF binds. Only the standard library is used, so the same
// expressions and bindings run unchanged on other CEL implementations.

import CEL

enum RuleSet {
    static let rules: [String] = [
        #"request.method == "TRACE" || request.method == "TRACK""#,
        #"request.path.startsWith("/wp-admin") && !(request.remote_ip in ["10.0.0.1", "10.0.0.2"])"#,
        #"request.query.contains("' OR '1'='1")"#,
        #"request.path.matches("(?i)union.*select")"#,
        #"request.user_agent.matches("(?i)(sqlmap|nikto|nmap|masscan)")"#,
        #"request.path.contains("../") || request.path.contains("..%2f")"#,
        #""x-forwarded-host" in request.headers && request.headers["x-forwarded-host"] != request.host"#,
        #"request.content_length > 10485760"#,
        #"request.method == "POST" && !("content-type" in request.headers)"#,
        #"request.path.endsWith(".php") || request.path.endsWith(".asp")"#,
        #"size(request.args) > 50"#,
        #"request.args.exists(k, k.startsWith("__"))"#,
        #"request.headers.exists(k, size(request.headers[k]) > 8192)"#,
        #"request.country in ["KP", "IR"]"#,
        #"request.asn == 64496"#,
        #"request.scheme != "https" && request.path.startsWith("/login")"#,
        #""session" in request.cookies && size(request.cookies["session"]) < 16"#,
        #"request.uri.matches("[<>]|%3[cC]|%3[eE]")"#,
        #"request.referer.startsWith("http://spam.example")"#,
        #"request.proto == "HTTP/1.0" && request.host == """#,
    ]

    static func map(_ pairs: [(String, Value)]) -> Value {
        // The keys are distinct strings, so building the map cannot fail.
        .map((try? MapValue(pairs.map { (Value.string($0.0), $0.1) })) ?? MapValue())
    }

    /// One ordinary browser request, as the WAF would bind it.
    static let bindings: [String: Value] = [
        "request": map([
            ("method", .string("GET")),
            ("host", .string("shop.example.com")),
            ("path", .string("/products/42/reviews")),
            ("query", .string("page=2&sort=newest")),
            ("uri", .string("/products/42/reviews?page=2&sort=newest")),
            ("proto", .string("HTTP/1.1")),
            ("scheme", .string("https")),
            ("remote_ip", .string("203.0.113.7")),
            ("country", .string("TH")),
            ("asn", .int(64500)),
            ("content_length", .int(0)),
            ("user_agent", .string("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36")),
            ("referer", .string("https://shop.example.com/products/42")),
            ("body", .string("")),
            (
                "headers",
                map([
                    ("accept", .string("text/html")), ("accept-language", .string("en-US,en;q=0.9")),
                    ("user-agent", .string("Mozilla/5.0")), ("cookie", .string("session=abcdef0123456789abcdef")),
                ])
            ),
            ("cookies", map([("session", .string("abcdef0123456789abcdef"))])),
            ("args", map([("page", .string("2")), ("sort", .string("newest"))])),
        ])
    ]

    static var environment: Environment {
        var environment = Environment()
        environment.declare("request", as: .map(.string, .dyn))
        environment.expectedResultType = .bool
        return environment
    }
}
