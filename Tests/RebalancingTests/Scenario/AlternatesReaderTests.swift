import Foundation
import Testing

@testable import Rebalancing

// `alternates` on leaf slices (docs/scenario-format.md classes): read, validated with field paths, and turned
// into the household's classes.

private let classesYAML = """
    asOf: 2026-11-20
    prices: {VTI: 100, ITOT: 50, VXUS: 50, IXUS: 60, BND: 70, GLD: 10}
    pie:
      slices:
        - {symbol: VTI, weight: 50, alternates: [ITOT]}
        - name: Rest
          weight: 50
          slices:
            - {symbol: VXUS, weight: 60, alternates: [IXUS]}
            - {symbol: BND, weight: 40}
    accounts:
      - id: brokerage
        type: taxable
        cash: 1000
        lots:
          - {symbol: IXUS, shares: 10, costBasis: 500, acquired: 2020-01-02}
          - {symbol: GLD, shares: 10, costBasis: 100, acquired: 2020-01-02}
      - id: roth
        type: taxExempt
        cash: 500
        pie: {slices: [{symbol: IXUS, weight: 100, alternates: [VXUS]}]}
    """

@Suite struct AlternatesReaderTests {
    @Test func classesAreReadIntoTheHousehold() throws {
        let h = try household(classesYAML)
        let index = { (s: String) in h.symbols.firstIndex(of: s)! }
        // Every member has a symbol index: alternates are bought, so they are symbols too.
        #expect(h.symbols == ["BND", "GLD", "ITOT", "IXUS", "VTI", "VXUS"])
        let household = h.groups[0]
        // Classes by their leaf's symbol index: BND, GLD (held, in no class: target 0), VTI, VXUS.
        #expect(household.classes.map { h.symbols[$0.symbol] } == ["BND", "GLD", "VTI", "VXUS"])
        #expect(household.classOf(index("IXUS"))?.symbol == index("VXUS"))
        #expect(household.classOf(index("VXUS"))?.members == [index("VXUS"), index("IXUS")])
        #expect(household.classOf(index("ITOT"))?.members == [index("VTI"), index("ITOT")])
        #expect(household.classOf(index("GLD"))?.target == 0)
        // w = 0.5 × 0.6 for VXUS's class, 0.5 × 0.4 for BND, 0.5 for VTI.
        #expect(abs(household.classOf(index("IXUS"))!.target - 0.3) < 1e-12)
        #expect(abs(household.classOf(index("BND"))!.target - 0.2) < 1e-12)
        #expect(household.targets[index("IXUS")] == nil, "targets are by the leaf's symbol")
        // The roth's own pie is another pie: there IXUS is the leaf and VXUS its alternate.
        let roth = h.groups[1]
        #expect(roth.classes.count == 1 && roth.classes[0].symbol == index("IXUS"))
        #expect(roth.classes[0].members == [index("IXUS"), index("VXUS")])
        // May buy: any member of a targeted class; not GLD (target 0), not outside the pie.
        #expect(h.mayBuy(account: 0, symbol: index("ITOT")))
        #expect(h.mayBuy(account: 0, symbol: index("IXUS")))
        #expect(!h.mayBuy(account: 0, symbol: index("GLD")))
        #expect(h.mayBuy(account: 1, symbol: index("VXUS")))
        #expect(!h.mayBuy(account: 1, symbol: index("VTI")))
    }

    @Test func alternatesSurviveTheJSONRoundTrip() throws {
        let h = try household(classesYAML)
        let text = h.scenario.json.serialized()
        #expect(text.contains(#""alternates":["ITOT"]"#))
        let again = try ScenarioLoader.parse(Data(text.utf8), format: .json, source: "s.json")
        #expect(Household(again).groups[0].classes == h.groups[0].classes)
    }

    /// A symbol that is the `symbol` of two leaves is one class: weights add, alternates join.
    @Test func twoLeavesOfOneSymbolAreOneClass() throws {
        let h = try household(
            classesYAML.replacingOccurrences(
                of: "- {symbol: BND, weight: 40}", with: "- {symbol: VTI, weight: 40, alternates: [ITOT, SCHB]}"
            ).replacingOccurrences(of: "GLD: 10}", with: "GLD: 10, SCHB: 20}"))
        let vti = h.groups[0].classOf(h.symbols.firstIndex(of: "VTI")!)!
        #expect(vti.members.map { h.symbols[$0] } == ["VTI", "ITOT", "SCHB"])
        #expect(abs(vti.target - 0.7) < 1e-12)  // 0.5 + 0.5 × 0.4
    }

    @Test func aSymbolInTwoClassesIsRefusedWithItsPath() {
        let text = """
            asOf: 2026-11-20
            prices: {VTI: 100, VXUS: 50, IXUS: 50, BND: 70}
            pie:
              slices:
                - {symbol: VTI, weight: 40, alternates: [IXUS, ITOT, IXUS]}
                - {symbol: VXUS, weight: 30, alternates: [IXUS, VXUS]}
                - name: Bonds
                  weight: 30
                  slices:
                    - {symbol: IXUS, weight: 50}
                    - {symbol: BND, weight: 50, alternates: [VTI, "", 7]}
            accounts: [{id: a, type: taxable, cash: 100}]
            """
        #expect(
            issueLines(text) == [
                "s.yaml: pie.slices[0].alternates[2]: IXUS is listed twice",
                "s.yaml: pie.slices[0].alternates[1]: no price for \"ITOT\" in prices",
                "s.yaml: pie.slices[1].alternates[0]: IXUS is already an alternate of VTI (pie.slices[0].alternates[0]); a symbol belongs to one class of a pie",
                "s.yaml: pie.slices[1].alternates[1]: VXUS is the slice's own symbol",
                "s.yaml: pie.slices[2].slices[0].symbol: IXUS is already an alternate of VTI (pie.slices[0].alternates[0]); a symbol belongs to one class of a pie",
                "s.yaml: pie.slices[2].slices[1].alternates[1]: must not be empty",
                "s.yaml: pie.slices[2].slices[1].alternates[0]: VTI is the symbol of another slice (pie.slices[0].symbol); a symbol belongs to one class of a pie",
                "s.yaml: pie.slices[2].slices[1].alternates[2]: no price for \"7\" in prices",
            ])
        // Each pie has classes of its own: IXUS may fill a slice of an account's own pie too.
        let separate = """
            asOf: 2026-11-20
            prices: {VTI: 100, VXUS: 50, IXUS: 50}
            pie: {slices: [{symbol: VXUS, weight: 100, alternates: [IXUS]}]}
            accounts:
              - {id: a, type: taxable, cash: 100}
              - {id: b, type: taxExempt, cash: 100, pie: {slices: [{symbol: VTI, weight: 50, alternates: [VXUS]}, {symbol: IXUS, weight: 50}]}}
            """
        #expect(issueLines(separate) == [])
    }

    @Test func alternatesMustBeAListOfSymbols() {
        let text = """
            asOf: 2026-11-20
            prices: {VTI: 100}
            pie: {slices: [{symbol: VTI, weight: 100, alternates: ITOT}]}
            accounts: [{id: a, type: taxable, cash: 100}]
            """
        #expect(issueLines(text) == ["s.yaml: pie.slices[0].alternates: must be a list, got a string"])
    }

    /// An index after a duplicate in one identical group points at the symbol as written.
    @Test func identicalGroupPathsCountTheDuplicate() {
        let text = """
            asOf: 2026-11-20
            washSale: {identical: [[VTI, ITOT], [VOO, VOO, VTI]]}
            prices: {VTI: 100}
            pie: {slices: [{symbol: VTI, weight: 100}]}
            accounts: [{id: a, type: taxable, cash: 100}]
            """
        #expect(
            issueLines(text) == [
                "s.yaml: washSale.identical[1][1]: VOO is listed twice",
                "s.yaml: washSale.identical[1][2]: VTI is already in washSale.identical[0]; a symbol may be in one identical group only",
            ])
    }
}
