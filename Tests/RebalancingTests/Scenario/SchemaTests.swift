import Foundation
import Testing
@testable import Rebalancing

/// `schema/scenario.schema.json` (what editors check scenario files with) against the bundled
/// scenarios and the reader.
@Suite struct SchemaTests {
    static let schemaPath = scenariosDirectory.deletingLastPathComponent()
        .appendingPathComponent("schema").appendingPathComponent("scenario.schema.json").path

    static func validator() throws -> SchemaValidator {
        let data = try Data(contentsOf: URL(fileURLWithPath: schemaPath))
        return try SchemaValidator(schema: try Document.parseJSON(data))
    }

    static func document(_ file: String) throws -> Document {
        let url = scenariosDirectory.appendingPathComponent(file)
        let data = try Data(contentsOf: url)
        return file.hasSuffix(".json") ? try Document.parseJSON(data) : try Document.parseYAML(String(decoding: data, as: UTF8.self))
    }

    /// A scenario using every key the reader knows, so that every place of the file is read.
    /// A key added to the reader and the schema in a new place (a list of mappings, say) goes here too.
    static let everyKey = """
        name: Every key
        asOf: 2026-11-20
        tax:
          shortTermRate: 0.35
          longTermRate: 0.15
          realizedThisYear: {shortTerm: 100, longTerm: -50}
          carryforwardLoss: {shortTerm: 0, longTerm: 200}
          ordinaryOffsetLimit: 3000
        washSale:
          identical: [[VTI, ITOT], [VXUS, IXUS]]
        recentSales:
          - {account: brokerage, symbol: VXUS, shares: 10, loss: 84, sold: 2026-11-02}
        prices: {VTI: 300, BND: 72.1, VXUS: 62.5, SCHB: 25}
        pie:
          name: Core
          slices:
            - {symbol: VTI, weight: 60, alternates: [SCHB]}
            - name: Rest
              weight: 40
              slices:
                - {symbol: BND, weight: 50}
                - {symbol: VXUS, weight: 50}
        accounts:
          - id: brokerage
            type: taxable
            cash: 100
            flow: 50
            minCash: 10
            wholeShares: true
            minTrade: 25
            canBuy: [VTI, BND, VXUS]
            lots:
              - {id: L1, symbol: VTI, shares: 1, costBasis: 250, acquired: 2021-03-04, doNotSell: true}
          - id: roth
            type: taxExempt
            cash: 500
            pie: {name: Bonds, slices: [{symbol: BND, weight: 100}]}
            lots: []
        strategies: [cash-only, "band:5", "tax-aware:0.10", "tax-budget:500", full, fifo, m1]
        """

    @Test(arguments: bundledScenarios)
    func bundledScenarioIsValid(file: String) throws {
        let errors = try Self.validator().errors(of: try Self.document(file))
        #expect(errors == [], "\(file) against schema/scenario.schema.json")
    }

    @Test(arguments: bundledScenarios.filter { !$0.hasSuffix(".json") })
    func bundledYAMLNamesTheSchema(file: String) throws {
        let text = try String(contentsOf: scenariosDirectory.appendingPathComponent(file), encoding: .utf8)
        #expect(text.hasPrefix("# yaml-language-server: $schema=../schema/scenario.schema.json\n"), "\(file)")
    }

    @Test func everyKeyScenarioIsValidForBoth() throws {
        #expect(try Self.validator().errors(of: try Document.parseYAML(Self.everyKey)) == [])
        _ = try household(Self.everyKey)  // and the reader takes it
    }

    /// The validator finds what is wrong (so a pass above means something).
    @Test func schemaRefusesBrokenScenarios() throws {
        let validator = try Self.validator()
        func errors(_ old: String, _ new: String) throws -> [String] {
            precondition(Self.everyKey.contains(old))
            return validator.errors(of: try Document.parseYAML(Self.everyKey.replacingOccurrences(of: old, with: new)))
        }
        #expect(try errors("ordinaryOffsetLimit: 3000", "ordinaryOffsetLimt: 3000") == ["tax.ordinaryOffsetLimt: is not a known key"])
        #expect(try errors("shortTermRate: 0.35", "shortTermRate: 1.35") == ["tax.shortTermRate: must be ≤ 1.0, got 1.35"])
        #expect(try errors("type: taxExempt", "type: roth") == ["accounts[1].type: must be one of taxable, taxDeferred, taxExempt, got \"roth\""])
        #expect(try errors("asOf: 2026-11-20", "asOf: 20/11/2026").count == 1)
        #expect(try errors("shares: 1,", "shares: -1,") == ["accounts[0].lots[0].shares: must be ≥ 1e-06, got -1"])
        #expect(try errors("costBasis: 250, ", "") == ["accounts[0].lots[0].costBasis: is required"])
        #expect(try errors("\"band:5\"", "\"bands:5\"").count == 1)
        #expect(try errors("\"tax-budget:500\"", "tax-budget").count == 1)
        // A slice with both symbol and slices is neither form.
        #expect(try errors("{symbol: VTI, weight: 60, alternates: [SCHB]}", "{symbol: VTI, weight: 60, slices: []}").count == 1)
        #expect(try errors("alternates: [SCHB]", "alternates: SCHB").count == 1)
        #expect(try errors("cash: 100", "cash: .inf").count == 1)
    }

    /// The schema lists exactly the keys the reader accepts, at every place in the file.
    @Test func schemaAndReaderAgreeOnKeys() throws {
        let validator = try Self.validator()
        var readerKeys: [String: Set<Set<String>>] = [:]
        for document in try bundledScenarios.map(Self.document) + [try Document.parseYAML(Self.everyKey)] {
            var reader = ScenarioReader()
            reader.recordsKeys = true
            _ = reader.scenario(document)
            readerKeys.merge(reader.acceptedKeys) { $0.union($1) }
        }
        func named(_ place: String) -> String { place.isEmpty ? "the top level" : "`\(place)`" }
        for (place, forms) in readerKeys.sorted(by: { $0.key < $1.key }) {
            let schemaForms = validator.keys(at: place)
            guard !schemaForms.isEmpty else {
                Issue.record("schema/scenario.schema.json has no object at \(named(place)); the reader accepts \(forms.map { $0.sorted() }) there")
                continue
            }
            // Each mapping the reader reads there (a pie slice is a leaf or a sub-pie) is one of the
            // schema's objects there, key for key; differences are shown against the closest one.
            for keys in forms where !schemaForms.contains(keys) {
                let closest = schemaForms.max { $0.intersection(keys).count < $1.intersection(keys).count }!
                for key in keys.subtracting(closest).sorted() {
                    Issue.record("schema/scenario.schema.json is missing key `\(key)` at \(named(place)): the reader accepts it (ScenarioReader.swift)")
                }
                for key in closest.subtracting(keys).sorted() {
                    Issue.record("schema/scenario.schema.json lists key `\(key)` at \(named(place)), which the reader refuses")
                }
            }
        }
        for place in validator.objectPlaces().subtracting(readerKeys.keys).sorted() {
            Issue.record("the schema describes an object at \(named(place)) that no scenario this test reads reaches: add it to SchemaTests.everyKey")
        }
        #expect(readerKeys["accounts[].lots[]"] == [["id", "symbol", "shares", "costBasis", "acquired", "doNotSell"]])
    }

    @Test func placesDropIndices() {
        #expect(ScenarioReader.place("accounts[12].lots[0]") == "accounts[].lots[]")
        #expect(ScenarioReader.place("pie.slices[1].slices[2]") == "pie.slices[].slices[]")
        #expect(ScenarioReader.place("") == "")
        #expect(SchemaValidator.steps("accounts[].lots[]") == ["accounts", "[]", "lots", "[]"])
    }
}
