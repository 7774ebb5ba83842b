import type Database from "better-sqlite3";
import { openDatabase } from "./openDatabase.js";

interface VectorsRow {
	dimensions: number;
	vectors: Buffer;
}

/**
 * Embeddings of documents' passages in `hearth.db`'s `document_embeddings` table, keyed by the
 * file's SHA-256, the embedding model and how the text was cut, so a document asked about again —
 * in the same chat or another — is embedded once. Vectors are float32, one blob per document.
 * Created if missing, outside ChatStore's migrations.
 */
export class EmbeddingCache {
	private readonly db: Database.Database;

	constructor(path: string) {
		this.db = openDatabase(path);
		this.db.exec(`CREATE TABLE IF NOT EXISTS document_embeddings (
			file_hash TEXT NOT NULL,
			model TEXT NOT NULL,
			chunking TEXT NOT NULL,
			dimensions INTEGER NOT NULL,
			vectors BLOB NOT NULL,
			created_at TEXT NOT NULL,
			PRIMARY KEY (file_hash, model, chunking)
		);`);
	}

	get(fileHash: string, model: string, chunking: string): number[][] | undefined {
		const row = this.db
			.prepare("SELECT dimensions, vectors FROM document_embeddings WHERE file_hash = ? AND model = ? AND chunking = ?")
			.get(fileHash, model, chunking) as VectorsRow | undefined;
		if (!row || row.dimensions <= 0) return undefined;
		const floats = new Float32Array(row.vectors.buffer, row.vectors.byteOffset, row.vectors.byteLength / 4);
		const vectors: number[][] = [];
		for (let at = 0; at + row.dimensions <= floats.length; at += row.dimensions)
			vectors.push([...floats.subarray(at, at + row.dimensions)]);
		return vectors;
	}

	put(fileHash: string, model: string, chunking: string, vectors: number[][]): void {
		const dimensions = vectors[0]?.length ?? 0;
		const floats = new Float32Array(vectors.length * dimensions);
		for (const [i, v] of vectors.entries()) floats.set(v, i * dimensions);
		this.db
			.prepare(
				"INSERT OR REPLACE INTO document_embeddings (file_hash, model, chunking, dimensions, vectors, created_at) VALUES (?, ?, ?, ?, ?, ?)",
			)
			.run(fileHash, model, chunking, dimensions, Buffer.from(floats.buffer), new Date().toISOString());
	}

	close(): void {
		this.db.close();
	}
}
