/**
 * Blocks: an operator's "remove and keep out" for one room. A block names the identity removed
 * and, where known, how it got its token: the invite's id (`jti`) for an invitee (each join of
 * an invite gets a new identity, so the identity alone would not keep it out), the identity
 * provider's `sub` for a signed-in user. The token endpoint refuses a match before minting; the
 * webhook intake removes a blocked identity that joins anyway with a token minted before.
 */
export interface Block {
  room: string;
  identity: string;
  /** The invite's id (jti) the identity was admitted with. */
  invite?: string;
  /** The identity provider's subject (sub). */
  subject?: string;
  /** Unix seconds. */
  blockedAt: number;
  /** The operator credential's identity that blocked it. */
  by?: string;
}

/** How an identity got its token in a room: recorded at minting, read when it is blocked. */
export interface Admission {
  room: string;
  identity: string;
  invite?: string;
  subject?: string;
}

/** Who asks for a token (or joined): any field a block may match. */
export interface Candidate {
  identity: string;
  invite?: string;
  subject?: string;
}

export interface BlockStore {
  readonly kind: "memory" | "redis";
  /** Records (or replaces) the block of `block.identity` in `block.room`. */
  add(block: Block): Promise<void>;
  /** Lifts the block of `identity` in `room`; whether there was one. */
  lift(room: string, identity: string): Promise<boolean>;
  /** The room's blocks, oldest first. */
  list(room: string): Promise<Block[]>;
  /** How `identity` got its token in `room`, while that token may still be valid. */
  admission(room: string, identity: string): Promise<Admission | null>;
  /** Remembers an admission for `ttlSeconds` (the token's lifetime). */
  recordAdmission(admission: Admission, ttlSeconds: number): Promise<void>;
  close(): Promise<void>;
}

/** The block of `room` that keeps `who` out, if any. */
export function matchingBlock(blocks: Block[], who: Candidate): Block | null {
  return (
    blocks.find(
      (block) =>
        block.identity === who.identity ||
        (block.invite !== undefined && block.invite === who.invite) ||
        (block.subject !== undefined && block.subject === who.subject),
    ) ?? null
  );
}
