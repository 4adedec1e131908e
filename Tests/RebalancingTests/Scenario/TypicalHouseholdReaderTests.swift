import Foundation
import Testing

@testable import Rebalancing

/// The short way of reading a typical household (`JSONParser.typicalScenario`) must give what the
/// full way (`Document` and `ScenarioReader`) gives, and leave everything else to the full way.
@Suite struct TypicalHouseholdReaderTests {
    /// The full way's scenario, which must have nothing to report.
    private func fullRead(_ text: String) throws -> Scenario {
        var reader = ScenarioReader()
        let scenario = reader.scenario(try Document.parseJSON(Data(text.utf8)))
        #expect(reader.issues.isEmpty, "\(reader.issues)")
        return try #require(scenario)
    }

    /// The two scenarios hold the same values: every field as printed, but the prices and the
    /// tax settings (whose `given` is a set), which are compared as values (a dictionary or a
    /// set prints in an order of its own).
    private func expectSame(_ a: Scenario, _ b: Scenario) {
        #expect(a.tax == b.tax)
        #expect(a.prices == b.prices)
        var (a, b) = (a, b)
        (a.tax, b.tax) = (TaxSettings(), TaxSettings())
        (a.prices, b.prices) = ([:], [:])
        #expect(String(describing: a) == String(describing: b))
    }

    @Test(arguments: [(symbols: 8, lots: 60, seed: UInt64(7)), (symbols: 30, lots: 100, seed: UInt64(11))])
    func generatedHouseholdsReadAsTheReaderReadsThem(_ c: (symbols: Int, lots: Int, seed: UInt64)) throws {
        let generator = Generator(symbols: c.symbols, lots: c.lots, seed: c.seed)
        for index in 0..<20 {
            let text = generator.household(index).json.serialized()
            let typical = try #require(JSONParser.typicalScenario(Array(text.utf8)), "household \(index)")
            expectSame(typical, try fullRead(text))
        }
    }

    @Test func everyOptionalFieldReadsAsTheReaderReadsIt() throws {
        let text = """
            {"name": "Everything", "asOf": "2026-11-20",
             "tax": {"shortTermRate": 0.4, "longTermRate": 0.2, "realizedThisYear": {"shortTerm": -5},
                     "carryforwardLoss": {"longTerm": 7}, "ordinaryOffsetLimit": 0, "tradingCost": 0},
             "prices": {"VTI": 250.5, "BND": 72, "VXUS": 1e2},
             "pie": {"name": "core", "slices": [
                {"name": "stocks", "weight": 60.5, "slices": [{"symbol": "VTI", "weight": 70}, {"weight": 30, "symbol": "VXUS"}]},
                {"symbol": "BND", "weight": 39.5}]},
             "accounts": [
                {"id": "t", "type": "taxable", "cash": 10, "flow": -5, "minCash": 1, "wholeShares": true, "minTrade": 2,
                 "lots": [{"id": "a", "symbol": "VTI", "shares": 1.5, "costBasis": 0, "acquired": "2020-01-02", "doNotSell": true},
                          {"symbol": "BND", "shares": 2, "costBasis": 100, "acquired": "2026-11-01"}]},
                {"type": "taxExempt", "id": "r", "pie": {"slices": [{"symbol": "BND", "weight": 100}]}}]}
            """
        let typical = try #require(JSONParser.typicalScenario(Array(text.utf8)))
        expectSame(typical, try fullRead(text))
        #expect(typical.tax.isDefault(.tradingCost) == false)
        #expect(typical.accounts[1].lots.isEmpty)
    }

    /// Anything unusual, or anything the reader would report, is left to the full way.
    @Test(arguments: [
        #"{"asOf": "2026-11-20", "prices": {"A": 1}, "accounts": [{"id": "x", "type": "taxable"}], "strategies": ["full"]}"#,
        #"{"asOf": "2026-11-20", "prices": {"A": 1}, "accounts": [{"id": 7, "type": "taxable"}]}"#,
        #"{"asOf": "2026-11-20", "prices": {"A": 1}, "accounts": [{"id": " ", "type": "taxable"}]}"#,
        #"{"asOf": "2026-11-20", "prices": {"A": 1}, "accounts": [{"id": "x", "type": "brokerage"}]}"#,
        #"{"asOf": "2026-11-20", "prices": {"A": 1}, "accounts": []}"#,
        #"{"asOf": "2026-11-20", "prices": {"A": 1, "A": 2}, "accounts": [{"id": "x", "type": "taxable"}]}"#,
        #"{"asOf": "2026-11-20", "asOf": "2026-11-21", "prices": {"A": 1}, "accounts": [{"id": "x", "type": "taxable"}]}"#,
        #"{"asOf": "2026-02-30", "prices": {"A": 1}, "accounts": [{"id": "x", "type": "taxable"}]}"#,
        #"{"asOf": "2026-11-20", "prices": {"A": 0}, "accounts": [{"id": "x", "type": "taxable"}]}"#,
        #"{"asOf": "2026-11-20", "tax": {"shortTermRate": 1.5}, "prices": {"A": 1}, "accounts": [{"id": "x", "type": "taxable"}]}"#,
        #"{"asOf": "2026-11-20", "prices": {"A": 1}, "pie": {"slices": [{"symbol": "A", "weight": 99}]}, "accounts": [{"id": "x", "type": "taxable"}]}"#,
        #"{"asOf": "2026-11-20", "prices": {"A": 1}, "pie": {"slices": [{"symbol": "A", "weight": 100, "alternates": ["B"]}]}, "accounts": [{"id": "x", "type": "taxable"}]}"#,
        #"{"asOf": "2026-11-20", "prices": {"A": 1}, "accounts": [{"id": "x", "type": "taxable", "lots": [{"symbol": "A", "shares": 1, "costBasis": 1, "acquired": "2026-01-01", "cost": 1}]}]}"#,
        #"{"asOf": "2026-11-20", "prices": {"A": null}, "accounts": [{"id": "x", "type": "taxable"}]}"#,
        // Keys a byte away from a lot's own (the length, the first byte or another byte of a key).
        #"{"asOf": "2026-11-20", "prices": {"A": 1}, "accounts": [{"id": "x", "type": "taxable", "lots": [{"symbox": "A", "shares": 1, "costBasis": 1, "acquired": "2026-01-01"}]}]}"#,
        #"{"asOf": "2026-11-20", "prices": {"A": 1}, "accounts": [{"id": "x", "type": "taxable", "lots": [{"symbol": "A", "Shares": 1, "costBasis": 1, "acquired": "2026-01-01"}]}]}"#,
        #"{"asOf": "2026-11-20", "prices": {"A": 1}, "accounts": [{"id": "x", "type": "taxable", "lots": [{"symbol": "A", "shares": 1, "costBasis": 1, "acquired": "2026-01-01", "i": "L"}]}]}"#,
        #"{"asOf": "2026-11-20", "prices": {"A": 1}, "accounts": [{"id": "x", "type": "taxable", "lots": [{"symbol": "A", "shares": 1, "costBasis": 1, "acquired": "2026-01-01", "idd": "L"}]}]}"#,
        #"{"asOf": "2026-11-20", "prices": {"A": 1}, "accounts": [{"id": "x", "type": "taxable", "lots": [{"symbol": "A", "shares": 1, "costBasis": 1, "acquired": "2026-01-01", "": "L"}]}]}"#,
        #"{"asOf": "2026-11-20", "prices": {"A": 1}, "accounts": [{"id": "x", "type": "taxable"}]} x"#,
        #"{"asOf": "2026-11-20", "prices": {"A": 1}, "accounts": [{"id": "x", "type": "taxable"}], "na\u006de": "escaped"}"#,
        #"{"asOf": "2026-11-20", "prices": {"A": 1}, "accounts": [{"id": "x\ty", "type": "taxable"}]}"#,
        #"[]"#,
    ])
    func unusualTextIsLeftToTheReader(_ text: String) {
        #expect(JSONParser.typicalScenario(Array(text.utf8)) == nil)
    }
}
