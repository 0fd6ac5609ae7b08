// Every LinkStore in the repository through the published contract (next-private-files/testing).
import { runLinkStoreContract } from "next-private-files/testing";
import { memoryLinkStore } from "../support/memory-link-store";

runLinkStoreContract("memoryLinkStore (tests/kit/support)", () => ({ store: memoryLinkStore() }));
