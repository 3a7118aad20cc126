import Store
import StoreFixtures
import TestSupport
import Testing

@testable import Pipeline

/// `store check`, `store vacuum` and `status` without the tool: the run lock is respected, and what is found
/// is said.
@Suite struct StoreMaintenanceTests {
    @Test func aHeldRunLockIsSeenAndVacuumWaitsForNoOne() throws {
        let directory = try TemporaryDirectory()
        let path = try makeStore(directory).path
        #expect(!StoreMaintenance.runIsActive(on: path))
        let lock = try RunLock(store: path)
        #expect(StoreMaintenance.runIsActive(on: path))
        let refused = #expect(throws: RunLockError.self) { try StoreMaintenance.vacuum(path) }
        #expect(refused?.kind == .busy)
        withExtendedLifetime(lock) {}
    }

    @Test func aSoundStoreChecksSoundAndVacuumsToAStoreThatStillIs() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        _ = try store.write(documents: [document("a", chunks: ["one", "two"]), document("b", chunks: ["three"])])
        _ = try store.deleteDocuments(keys: ["a"])
        #expect(try StoreMaintenance.check(store.path).isSound)
        let sizes = try StoreMaintenance.vacuum(store.path)
        #expect(sizes.after <= sizes.before)
        #expect(try StoreMaintenance.check(store.path).isSound)
        let missing = #expect(throws: StoreError.self) { try StoreMaintenance.vacuum(directory.file("none.sqlite")) }
        #expect(missing?.kind == .missing)
    }

    @Test func aRunMarkedRunningWithoutItsProcessIsAProblem() throws {
        let directory = try TemporaryDirectory()
        let store = try makeStore(directory)
        _ = try store.beginRun(settings: "{}")
        let result = try StoreMaintenance.check(store.path)
        #expect(!result.isSound)
        #expect(result.problems.contains { $0.contains("running") }, "\(result.problems)")
    }

    @Test func readinessSaysWhatIsMissing() async throws {
        let directory = try TemporaryDirectory()
        let missing = await Readiness.check(store: directory.file("none.sqlite"), model: nil, load: false)
        #expect(!missing.isReady)
        #expect(missing.lines.contains { $0.label == "store" && $0.text.hasPrefix("NOT READY") })
        #expect(missing.text.last == "status     NOT READY")
        let noModel = await Readiness.check(store: nil, model: directory.file("no-model"), load: false)
        #expect(!noModel.isReady)
        #expect(noModel.lines.first?.text.contains("no such model directory") == true)
    }

    @Test func readinessOfAGoodModelAndAStoreBuiltWithIt() async throws {
        let ready = await Readiness.check(store: nil, model: nil, load: false)
        #expect(ready.isReady)
        #expect(ready.lines.map(\.label).prefix(3) == ["model", "", "variant"])
        #expect(ready.text.last == "status     ready")
    }
}
