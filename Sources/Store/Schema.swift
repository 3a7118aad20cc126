/// The store's tables, one migration per schema version. A store records its version in
/// `PRAGMA user_version` and its owner in `PRAGMA application_id`; opening applies the migrations it lacks.
enum Schema {
    /// 'ovix': marks an SQLite file as an ovindex store.
    static let applicationID: Int32 = 0x6F76_6978

    /// Migrations in order; migration `i` takes the store from version `i` to `i + 1`.
    static let migrations: [String] = [
        """
        CREATE TABLE index_info (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE runs (
            id                  INTEGER PRIMARY KEY,
            started_at          TEXT NOT NULL,
            updated_at          TEXT NOT NULL,
            finished_at         TEXT,
            status              TEXT NOT NULL CHECK (status IN ('running', 'completed', 'interrupted', 'failed')),
            settings            TEXT NOT NULL DEFAULT '{}',
            documents_seen      INTEGER NOT NULL DEFAULT 0,
            documents_indexed   INTEGER NOT NULL DEFAULT 0,
            documents_unchanged INTEGER NOT NULL DEFAULT 0,
            documents_rejected  INTEGER NOT NULL DEFAULT 0,
            documents_pruned    INTEGER NOT NULL DEFAULT 0,
            chunks_written      INTEGER NOT NULL DEFAULT 0,
            tokens_embedded     INTEGER NOT NULL DEFAULT 0,
            progress            TEXT NOT NULL DEFAULT '{}',
            error               TEXT
        );

        CREATE TABLE documents (
            id           INTEGER PRIMARY KEY,
            key          TEXT NOT NULL UNIQUE,
            source       TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            byte_size    INTEGER NOT NULL,
            metadata     TEXT NOT NULL DEFAULT '{}',
            state        TEXT NOT NULL CHECK (state IN ('indexed', 'rejected')),
            chunk_count  INTEGER NOT NULL DEFAULT 0,
            run_id       INTEGER REFERENCES runs(id) ON DELETE SET NULL,
            created_at   TEXT NOT NULL,
            updated_at   TEXT NOT NULL
        );
        CREATE INDEX documents_source ON documents(source);

        CREATE TABLE document_metadata (
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            key         TEXT NOT NULL,
            value       TEXT NOT NULL,
            PRIMARY KEY (document_id, key)
        ) WITHOUT ROWID;
        CREATE INDEX document_metadata_key_value ON document_metadata(key, value);

        CREATE TABLE chunks (
            id          INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            ordinal     INTEGER NOT NULL,
            key         TEXT NOT NULL UNIQUE,
            text        TEXT NOT NULL,
            char_start  INTEGER NOT NULL,
            char_end    INTEGER NOT NULL,
            token_count INTEGER NOT NULL,
            UNIQUE (document_id, ordinal)
        );

        -- Exact vectors (little-endian f32), read by chunk for re-scoring and export.
        CREATE TABLE vectors (
            chunk_id  INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
            embedding BLOB NOT NULL
        );

        -- int8 copies for the fast scan: code[i] = round(x[i] / scale), in a narrow table of their own so a
        -- scan reads 400 bytes per chunk, not the 1.5 KB f32 rows.
        CREATE TABLE vector_codes (
            chunk_id    INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
            document_id INTEGER NOT NULL,
            scale       REAL NOT NULL,
            code        BLOB NOT NULL
        );

        CREATE VIRTUAL TABLE chunks_fts USING fts5(text, content='chunks', content_rowid='id');
        CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
            INSERT INTO chunks_fts(rowid, text) VALUES (new.id, new.text);
        END;
        CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
            INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END;
        CREATE TRIGGER chunks_fts_update AFTER UPDATE OF text ON chunks BEGIN
            INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
            INSERT INTO chunks_fts(rowid, text) VALUES (new.id, new.text);
        END;

        CREATE TABLE rejects (
            id          INTEGER PRIMARY KEY,
            run_id      INTEGER REFERENCES runs(id) ON DELETE SET NULL,
            input       TEXT NOT NULL,
            line        INTEGER,
            reason      TEXT NOT NULL,
            limit_value TEXT,
            detail      TEXT,
            created_at  TEXT NOT NULL
        );
        CREATE INDEX rejects_run ON rejects(run_id);
        """,
        // 2: failures (transient: retried by the next run) are listed beside rejects (permanent), each with a
        // stable code (`RejectReason`); each row names its document when it has one, so a document's older rows
        // can be replaced; runs count failures.
        """
        ALTER TABLE rejects ADD COLUMN kind TEXT NOT NULL DEFAULT 'reject' CHECK (kind IN ('reject', 'failure'));
        ALTER TABLE rejects ADD COLUMN code TEXT;
        ALTER TABLE rejects ADD COLUMN document_key TEXT;
        CREATE INDEX rejects_document ON rejects(document_key);
        ALTER TABLE runs ADD COLUMN documents_failed INTEGER NOT NULL DEFAULT 0;
        UPDATE rejects SET document_key = (
            SELECT d.key FROM documents d WHERE d.state = 'rejected' AND d.source = rejects.input LIMIT 1)
        WHERE line IS NULL;
        UPDATE rejects SET code = CASE
            WHEN reason = 'document too large' THEN 'document_too_large'
            WHEN reason = 'invalid UTF-8' THEN 'invalid_utf8'
            WHEN reason = 'binary content' THEN 'binary_content'
            WHEN reason = 'empty document' THEN 'empty_document'
            WHEN reason = 'too many chunks' THEN 'too_many_chunks'
            WHEN reason = 'duplicate document id' THEN 'duplicate_id'
            WHEN reason = 'invalid JSON' THEN 'invalid_json'
            WHEN reason = 'not a JSON object' THEN 'not_an_object'
            WHEN reason LIKE 'no "%" field' THEN 'missing_field'
            WHEN reason = 'inference failed' THEN 'inference_failed'
            WHEN reason IN ('cannot read the file', 'cannot open the file', 'source does not exist') THEN 'read_error'
            ELSE 'invalid_field' END;
        UPDATE rejects SET kind = 'failure' WHERE code IN ('inference_failed', 'read_error');
        -- Schema 1 recorded documents the model failed on as rejected, so they were skipped for good while
        -- unchanged: release them, and the next run tries them again.
        DELETE FROM documents WHERE state = 'rejected'
            AND source IN (SELECT input FROM rejects WHERE code = 'inference_failed');
        UPDATE rejects SET document_key = NULL WHERE code = 'inference_failed';
        """,
        // 3: token states kept per chunk (`PackedTokenStates`) so that late-interaction reranking reads them
        // instead of running the model over every candidate again; each chunk's context (its document's title)
        // searched as a column of its own; words matched by their Porter stems. The text index is rebuilt from
        // the chunks' text (seconds for 100k chunks); older chunks have no context and no states until their
        // documents are indexed again.
        """
        CREATE TABLE chunk_states (
            chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
            states   BLOB NOT NULL
        );
        ALTER TABLE chunks ADD COLUMN context TEXT NOT NULL DEFAULT '';
        DROP TRIGGER chunks_fts_insert;
        DROP TRIGGER chunks_fts_delete;
        DROP TRIGGER chunks_fts_update;
        DROP TABLE chunks_fts;
        CREATE VIRTUAL TABLE chunks_fts USING fts5(
            context, text, content='chunks', content_rowid='id', tokenize='porter unicode61');
        INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild');
        CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
            INSERT INTO chunks_fts(rowid, context, text) VALUES (new.id, new.context, new.text);
        END;
        CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
            INSERT INTO chunks_fts(chunks_fts, rowid, context, text) VALUES ('delete', old.id, old.context, old.text);
        END;
        CREATE TRIGGER chunks_fts_update AFTER UPDATE OF context, text ON chunks BEGIN
            INSERT INTO chunks_fts(chunks_fts, rowid, context, text) VALUES ('delete', old.id, old.context, old.text);
            INSERT INTO chunks_fts(rowid, context, text) VALUES (new.id, new.context, new.text);
        END;
        """,
        // 4: each chunk's section (the Markdown headings above it), returned with results and searchable as a
        // filter. A store that already holds chunks made them without: it records "chunk_structure" as "none",
        // so its chunking stays as it was unless it is rebuilt (a run that asks for another structure is
        // refused as for any other chunk setting).
        """
        ALTER TABLE chunks ADD COLUMN section TEXT NOT NULL DEFAULT '';
        INSERT OR IGNORE INTO index_info (key, value)
            SELECT 'setting.chunk_structure', 'none' WHERE EXISTS (SELECT 1 FROM chunks);
        """,
    ]

    static var version: Int { migrations.count }

    /// The oldest version readers open as it is: version 2 lacks only `chunk_states`, which reads as "no token
    /// states kept" (reranking then runs the model over the candidates).
    static let oldestReadable = 2

    /// SQL for "now" as an ISO 8601 UTC timestamp with milliseconds.
    static let now = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
}
