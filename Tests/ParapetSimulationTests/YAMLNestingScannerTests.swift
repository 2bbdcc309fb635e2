import Testing

@testable import ParapetScenarios
@testable import ParapetSimulation

@Suite("YAML nesting limit")
struct YAMLNestingScannerTests {
    /// `depth` mappings, each the value of the previous one's only key.
    static func nestedMappings(_ depth: Int) -> String {
        (0..<depth).map { String(repeating: "  ", count: $0) + "k:\n" }.joined() + String(repeating: "  ", count: depth)
            + "v\n"
    }

    static let flow201 = String(repeating: "[", count: 201) + String(repeating: "]", count: 201)

    @Test(
        "block nesting counts: indented mappings, compact and unindented sequences",
        arguments: [
            (nestedMappings(201), SourcePosition(line: 201, column: 401)),
            (String(repeating: "- ", count: 201) + "x\n", SourcePosition(line: 1, column: 401)),
            // A sequence under its key at the same column nests one level deeper than the key's mapping.
            (
                (0..<101).map { String(repeating: "  ", count: $0) + "- k:\n" }.joined(),
                SourcePosition(line: 101, column: 201)
            ),
            // Block and flow levels add up.
            (
                nestedMappings(150).replacingLastValue(with: String(repeating: "[", count: 51)),
                SourcePosition(line: 151, column: 351)
            ),
        ])
    func blockNestingIsCounted(text: String, position: SourcePosition) {
        #expect(YAMLNestingScanner.firstExcess(in: text, maximumDepth: 200) == position)
        #expect {
            try Scenario(yaml: text, file: "deep.yaml")
        } throws: { error in
            (error as? ScenarioError)?.message == "not valid YAML: nested more than 200 levels deep"
        }
    }

    @Test(
        "a quote inside a plain scalar does not hide the nesting after it",
        arguments: [
            "summary: don't\nx: " + flow201 + "\n",
            "summary: a \"b\nx: " + flow201 + "\n",
            "summary: 'it''s'\nx: " + flow201 + "\n",
            "summary: \"a \\\" b\"\nx: " + flow201 + "\n",
            "summary: a#b'\nx: " + flow201 + "\n",
        ])
    func quotesInsidePlainScalars(text: String) {
        #expect(YAMLNestingScanner.firstExcess(in: text, maximumDepth: 200) == SourcePosition(line: 2, column: 203))
        #expect {
            try Scenario(yaml: text, file: "quoted.yaml")
        } throws: { error in
            (error as? ScenarioError)?.message == "not valid YAML: nested more than 200 levels deep"
        }
    }

    @Test(
        "an anchor or a tag before a flow collection does not hide its nesting (found in review)",
        arguments: ["x: &a " + flow201 + "\n", "x: !!seq " + flow201 + "\n", "x: &a !!seq " + flow201 + "\n",
            "x: !t&a" + flow201 + "\n"])
    func nodePropertiesDoNotHideNesting(text: String) {
        #expect(YAMLNestingScanner.firstExcess(in: text, maximumDepth: 200) != nil)
    }

    @Test(
        "brackets that are text are not nesting",
        arguments: [
            "summary: \"" + String(repeating: "[", count: 300) + "\"\n",
            "summary: '" + String(repeating: "{", count: 300) + "'\n",
            "summary: |\n  " + String(repeating: "[", count: 300) + "\n  \"\nseed: 1\n",
            "summary: >-\n  " + String(repeating: "{", count: 300) + "\n",
            "summary: a" + String(repeating: "[", count: 300) + "\n",
            "# " + String(repeating: "[", count: 300) + "\nseed: 1 # " + String(repeating: "{", count: 300) + "\n",
            "summary: \"multi\n  line " + String(repeating: "[", count: 300) + "\"\n",
            nestedMappings(199),
        ])
    func textIsNotNesting(text: String) {
        #expect(YAMLNestingScanner.firstExcess(in: text, maximumDepth: 200) == nil)
    }

    @Test("the lines of a block scalar end at the first line not indented under it")
    func blockScalarEnds() {
        let text = "summary: |\n  text\nx: " + Self.flow201 + "\n"
        #expect(YAMLNestingScanner.firstExcess(in: text, maximumDepth: 200) == SourcePosition(line: 3, column: 203))
    }
}

extension String {
    fileprivate func replacingLastValue(with value: String) -> String {
        var lines = split(separator: "\n").map(String.init)
        let indentation = lines[lines.count - 1].prefix { $0 == " " }
        lines[lines.count - 1] = String(indentation) + value
        return lines.joined(separator: "\n") + "\n"
    }
}
