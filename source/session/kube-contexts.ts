import type {Session} from './types.js';

/** The kube context, or every context of a plan run in several (--context repeated), that a session was built with. */
export type KubeContexts = Pick<Session, 'context' | 'contexts'>;

/** Only the kube context(s) of a session, a run or a review, copied: what each plan rebuilt from it and each session saved of it carries. */
export const contextsOf = (from: KubeContexts): KubeContexts => ({...(from.context ? {context: from.context} : {}), ...(from.contexts ? {contexts: [...from.contexts]} : {})});
