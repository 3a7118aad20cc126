import Foundation
import TestSupport
import Testing

@testable import Pipeline

#if canImport(Glibc)
    import Glibc
#endif

/// The run lock follows the store file, whatever name it is reached by, and refuses what is not a store file.
@Suite struct RunLockTests {
    @Test func aSecondLockOnTheSameFileIsRefusedThroughAnyName() throws {
        let directory = try TemporaryDirectory()
        let store = directory.file("s.sqlite")
        let link = directory.file("link.sqlite")
        let lock = try RunLock(store: store)
        #expect(lock.created)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: store)
        for path in [store, link] {
            let error = #expect(throws: RunLockError.self) { try RunLock(store: path) }
            #expect(error?.kind == .busy, "\(path)")
        }
        withExtendedLifetime(lock) {}
    }

    @Test func theLockGoesWithItsOwner() throws {
        let directory = try TemporaryDirectory()
        let store = directory.file("s.sqlite")
        do { _ = try RunLock(store: store) }
        let again = try RunLock(store: store)
        #expect(!again.created)
    }

    @Test func whatIsNotAStoreFileIsRefusedBeforeItIsOpened() throws {
        let directory = try TemporaryDirectory()
        let fifo = directory.file("fifo.sqlite")
        #expect(mkfifo(fifo, 0o644) == 0)
        let store = try directory.write("s.sqlite", "")
        let twin = directory.file("twin.sqlite")
        #expect(link(store, twin) == 0)
        for path in [fifo, "/dev/null", directory.path, twin] {
            let error = #expect(throws: RunLockError.self) { try RunLock(store: path) }
            #expect(error?.kind == .notAStore, "\(path): \(String(describing: error))")
        }
    }

    @Test func aFailedCreationIsUndoneButAnExistingStoreIsNeverRemoved() throws {
        let directory = try TemporaryDirectory()
        let fresh = directory.file("fresh.sqlite")
        let created = try RunLock(store: fresh)
        try #require(FileManager.default.createFile(atPath: fresh + "-wal", contents: Data([1])))
        created.removeIfCreated()
        #expect(!FileManager.default.fileExists(atPath: fresh))
        #expect(!FileManager.default.fileExists(atPath: fresh + "-wal"))
        let existing = try directory.write("old.sqlite", "kept")
        let opened = try RunLock(store: existing)
        opened.removeIfCreated()
        #expect(FileManager.default.fileExists(atPath: existing))
    }

    @Test func aMissingFolderAndADanglingLinkSayWhichIsMissing() throws {
        let directory = try TemporaryDirectory()
        let missing = #expect(throws: RunLockError.self) { try RunLock(store: directory.file("no/such/s.sqlite")) }
        #expect(missing?.kind == .io && missing?.message.contains("folder does not exist") == true)
        let dangling = directory.file("dangling.sqlite")
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: directory.file("gone/s.sqlite"))
        let error = #expect(throws: RunLockError.self) { try RunLock(store: dangling) }
        #expect(error?.message.contains("symbolic link to") == true, "\(String(describing: error))")
    }
}
