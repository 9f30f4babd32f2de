import test from 'ava';
import {loadRecipes} from '../../source/recipes/load-recipes.js';
import {validateAnswer} from '../../source/recipes/validate-answer.js';

// Paths on the Docker host (the engine's socket, its volumes directory) are mounted by the daemon, which may sit
// behind DOCKER_HOST on another machine: they must be absolute, and are not looked up where the wizard runs.
test('Portainer\'s dockerSocket and dockerVolumesDir are host paths: absolute accepted unseen, relative refused naming the field', async t => {
	const recipes = await loadRecipes();
	const portainer = recipes.find(recipe => recipe.id === 'portainer')!;
	for (const id of ['dockerSocket', 'dockerVolumesDir']) {
		const question = portainer.questions.find(q => q.id === id)!;
		t.is(question.format, 'host-path');
		t.is(validateAnswer(question, '/nonexistent/on/this/machine', `--set ${id}`), '/nonexistent/on/this/machine');
		const error = t.throws(() => validateAnswer(question, 'docker.sock', `--set ${id}`));
		t.regex(error!.message, new RegExp(`--set ${id}: "docker\\.sock" is not an absolute path on the Docker host`));
	}
});
