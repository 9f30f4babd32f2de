/*
 * The YAML parser, imported lazily by the readers of user files (answers, values, manifests): most runs read none.
 * A module of its own because a dynamic import of the CommonJS `yaml` package gives no named exports once bundled.
 */
export {parse, parseAllDocuments} from 'yaml';
