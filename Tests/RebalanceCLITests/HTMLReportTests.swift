import Foundation
import Testing

@testable import RebalanceCLI
import Rebalancing
import RebalanceTestSupport

/// The HTML reports are one self-contained file each: well formed, nothing fetched from the
/// network, every strategy named and every piece of scenario text escaped.
@Suite struct HTMLReportTests {
    static let scenariosFolder = scenariosDirectory
    static let scenarioFiles = bundledScenarios

    @Test func scenariosAreBundled() {
        #expect(!Self.scenarioFiles.isEmpty, "no scenario found in \(Self.scenariosFolder.path)")
    }

    @Test(arguments: scenarioFiles)
    func comparePageIsSelfContained(file: String) throws {
        let path = Self.scenariosFolder.appendingPathComponent(file).path
        let scenario = try ScenarioLoader.load(path: path)
        let comparison = Comparison(
            Household(scenario), name: scenario.displayName(source: path),
            strategies: scenario.strategies ?? Strategy.defaultForCompare)
        let html = HTMLReport.compare(comparison)
        expectSelfContained(html)
        #expect(html.contains(HTMLReport.escape(comparison.name)))
        for report in comparison.reports {
            #expect(html.contains(HTMLReport.escape(report.strategy.name)), "\(report.strategy.name) is missing")
        }
        for symbol in comparison.household.symbols {
            #expect(html.contains(HTMLReport.escape(symbol)), "\(symbol) is missing")
        }
    }

    @Test(arguments: scenarioFiles)
    func frontierPageIsSelfContained(file: String) throws {
        let path = Self.scenariosFolder.appendingPathComponent(file).path
        let scenario = try ScenarioLoader.load(path: path)
        let frontier = Frontier(Household(scenario), name: scenario.displayName(source: path), points: 4)
        let html = HTMLReport.frontier(frontier)
        expectSelfContained(html)
        #expect(html.contains(HTMLReport.escape(frontier.name)))
        for point in frontier.points {
            #expect(html.contains(Money.format(point.taxBudget)))
        }
    }

    @Test func compareWithFrontierHasBothParts() throws {
        let path = Self.scenariosFolder.appendingPathComponent("three-fund.yaml").path
        let household = Household(try ScenarioLoader.load(path: path))
        let comparison = Comparison(household, name: "Three", strategies: Strategy.defaultForCompare)
        let html = HTMLReport.compare(comparison, frontier: Frontier(household, name: "Three", points: 3))
        expectSelfContained(html)
        #expect(html.contains("Strategies compared"))
        #expect(html.contains("Tax against drift"))
    }

    @Test func scenarioTextIsEscaped() throws {
        let yaml = """
            name: "<b>&\\"'"
            asOf: 2026-11-20
            prices: {VTI: 300, BND: 72.10}
            pie:
              name: "Core <i>"
              slices:
                - {symbol: VTI, weight: 60}
                - {symbol: BND, weight: 40}
            accounts:
              - id: "a&b"
                type: taxable
                cash: 1000
                lots:
                  - {symbol: VTI, shares: 10, costBasis: 2000, acquired: 2020-01-02}
            """
        let scenario = try ScenarioLoader.parse(Data(yaml.utf8), format: .yaml, source: "escape.yaml")
        let household = Household(scenario)
        let name = try #require(scenario.name)
        #expect(name == "<b>&\"'")
        let comparison = Comparison(household, name: name, strategies: Strategy.defaultForCompare)
        let pages = [
            HTMLReport.compare(comparison),
            HTMLReport.frontier(Frontier(household, name: name, points: 3)),
        ]
        for html in pages {
            expectSelfContained(html)
            #expect(html.contains("&lt;b&gt;&amp;&quot;&#39;"))
            #expect(!html.contains("<b>"))
            #expect(!html.contains("\"'"))
        }
        #expect(pages[0].contains("Core &lt;i&gt;"))
        #expect(!pages[0].contains("<i>"))
        #expect(pages[0].contains("a&amp;b"))
        #expect(!pages[0].contains("a&b"))
    }

    @Test func escapeCoversTheFiveCharacters() {
        #expect(HTMLReport.escape(#"a<b>&"c'"#) == "a&lt;b&gt;&amp;&quot;c&#39;")
        #expect(HTMLReport.escape("plain") == "plain")
    }

    @Test func axisTicksAreRound() {
        let axis = HTMLReport.Axis(values: [0, 47_057.44])
        #expect(axis.low == 0)
        #expect(axis.high == 50_000)
        #expect(axis.step == 10_000)
        let flat = HTMLReport.Axis(values: [0, 0])
        #expect(flat.high > flat.low)
    }

    /// The page is one document needing nothing else: no external URL (but the SVG namespace),
    /// no script or style sheet loaded from elsewhere, and at least one inline chart.
    func expectSelfContained(_ html: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(html.hasPrefix("<!doctype html>"), sourceLocation: sourceLocation)
        #expect(html.contains("<svg"), sourceLocation: sourceLocation)
        let lower = html.lowercased()
        // (Not `replacingOccurrences`: RebalanceCLI declares its own, for one-character targets only.)
        let withoutNamespace = lower.components(separatedBy: "http://www.w3.org/2000/svg").joined()
        #expect(!withoutNamespace.contains("http://"), sourceLocation: sourceLocation)
        #expect(!withoutNamespace.contains("https://"), sourceLocation: sourceLocation)
        for forbidden in ["<script src", "<link", "@import", "url("] {
            #expect(!lower.contains(forbidden), "found \(forbidden)", sourceLocation: sourceLocation)
        }
        #expect(lower.hasSuffix("</html>\n"), sourceLocation: sourceLocation)
    }
}
