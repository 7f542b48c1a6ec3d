import { type Kysely, type Selectable, sql } from "kysely";
import type { PartyRole } from "../../protocol/index.js";
import type { GroupCommit } from "./group-commit.js";
import type { ChatMessagesTable, Database } from "./schema.js";
import type { Store, StoredChatMessage } from "./store.js";

type ChatRows = Pick<Store, "appendChat" | "listChat">;

/** A session's chat, numbered without gaps, stored once per sender and client id. */
export function createChatRows(db: Kysely<Database>, writes: GroupCommit<Database>): ChatRows {
  return {
    async appendChat(m) {
      return writes.run(async (tx) => {
        if (m.clientMsgId !== null) {
          const earlier = await tx
            .selectFrom("chat_messages")
            .selectAll()
            .where("session_id", "=", m.sessionId)
            .where("sender_id", "=", m.senderId)
            .where("client_msg_id", "=", m.clientMsgId)
            .executeTakeFirst();
          if (earlier) return { ...toChat(earlier), duplicate: true };
        }
        const bumped = await tx
          .updateTable("sessions")
          .set((eb) => ({ chat_seq: eb("chat_seq", "+", 1) }))
          .where("id", "=", m.sessionId)
          .returning("chat_seq")
          .executeTakeFirstOrThrow();
        const seq = Number(bumped.chat_seq);
        await tx
          .insertInto("chat_messages")
          .values({
            session_id: m.sessionId,
            seq,
            sender_id: m.senderId,
            sender_role: m.senderRole,
            sender_name: m.senderName,
            text: m.text,
            created_at: m.createdAt,
            client_msg_id: m.clientMsgId,
          })
          .execute();
        return { ...m, seq, duplicate: false };
      });
    },

    async listChat(sessionId, afterSeq, limit, maxChars = Infinity) {
      let upTo: number | null = null;
      if (Number.isFinite(maxChars)) {
        // Sizes first, so a page of a long chat never reads more text than it can send.
        const sizes = await db
          .selectFrom("chat_messages")
          .select(["seq", sql<number>`length(text)`.as("chars")])
          .where("session_id", "=", sessionId)
          .where("seq", ">", afterSeq)
          .orderBy("seq")
          .limit(limit)
          .execute();
        // The first message past the budget comes too, so the caller can tell there is more.
        let before = 0;
        const within = sizes.filter((row) => {
          const fits = before <= maxChars;
          before += Number(row.chars);
          return fits;
        });
        if (within.length < sizes.length) upTo = Number(within.at(-1)?.seq ?? afterSeq);
      }
      const rows = await db
        .selectFrom("chat_messages")
        .selectAll()
        .where("session_id", "=", sessionId)
        .where("seq", ">", afterSeq)
        .$if(upTo !== null, (q) => q.where("seq", "<=", upTo!))
        .orderBy("seq")
        .limit(limit)
        .execute();
      return rows.map(toChat);
    },
  };
}

function toChat(r: Selectable<ChatMessagesTable>): StoredChatMessage {
  return {
    sessionId: r.session_id,
    seq: Number(r.seq),
    senderId: r.sender_id,
    senderRole: r.sender_role as PartyRole,
    senderName: r.sender_name,
    text: r.text,
    createdAt: Number(r.created_at),
    clientMsgId: r.client_msg_id,
  };
}
