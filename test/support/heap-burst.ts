import { memoryReducingCollection } from "../../src/server/memory-settling.js";

// Run in a child process (its own heap): grow the heap with a burst of
// short-lived objects, let them die, and print heap and RSS before and after
// one memory-reducing collection.
const mb = (n: number) => Math.round(n / 1048576);
let burst: { text: string; n: number }[] = [];
for (let i = 0; i < 1_500_000; i++) burst.push({ text: `item ${i} `.repeat(4), n: i });
burst = [];
const before = process.memoryUsage();
memoryReducingCollection()();
await new Promise((resolve) => setTimeout(resolve, 500)); // V8 hands pages back on a helper thread
const after = process.memoryUsage();
console.log(JSON.stringify({ heapBefore: mb(before.heapTotal), heapAfter: mb(after.heapTotal), rssBefore: mb(before.rss), rssAfter: mb(after.rss), kept: burst.length }));
