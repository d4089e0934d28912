// `p4lab images`: builds and lists the host images of containers/.
import type { Command } from 'commander';

const images = () => import('../../emulation/docker/images.js');

export function registerImages(program: Command): void {
  const command = program
    .command('images')
    .summary('build or list the Docker host images (recipes in containers/)')
    .description('Host images for Docker hosts, built locally from the recipes in containers/ (debootstrap rootfs + docker import, no registry), tagged p4lab/<name>:<content hash> so unchanged recipes are not rebuilt.');
  command
    .command('build')
    .description('build the named image, or every recipe; shows progress and skips images that are up to date')
    .argument('[name]', 'recipe name (a directory of containers/)')
    .action(async (name: string | undefined) => {
      const { buildImage, recipeNames } = await images();
      for (const n of name ? [name] : recipeNames()) {
        const started = Date.now();
        await buildImage(n, (line) => process.stdout.write(`[images] ${line}\n`));
        process.stdout.write(`[images] ${n}: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      }
    });
  command
    .command('list')
    .description('list the recipes, their tags and whether each is built')
    .action(async () => {
      const { imageExists, loadRecipe, recipeNames } = await images();
      for (const n of recipeNames()) {
        const r = loadRecipe(n);
        process.stdout.write(`${n.padEnd(16)} ${r.tag.padEnd(36)} ${(await imageExists(r.tag)) ? 'built' : 'not built'}  ${r.description}\n`);
      }
    });
}
