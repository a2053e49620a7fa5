import * as Phaser from 'phaser';

const SPEED = 80; // world pixels per second
const DIRECTIONS = ['down', 'left', 'right', 'up'] as const;
type Direction = (typeof DIRECTIONS)[number];

/**
 * The traveller: arrow keys / WASD, or tap / click somewhere to walk there (touch screens), with
 * Arcade physics so walls and water stop them. `onStep` fires on each footfall.
 */
export class Player {
  readonly sprite: Phaser.Types.Physics.Arcade.SpriteWithDynamicBody;
  private readonly keys: Record<'up' | 'down' | 'left' | 'right' | 'w' | 'a' | 's' | 'd', Phaser.Input.Keyboard.Key> | null;
  private target: Phaser.Math.Vector2 | null = null;
  private facing: Direction = 'up';
  private lastFrame = -1;
  /** Keyboard movement is off while the player types in a text box. */
  frozen = false;

  constructor(
    scene: Phaser.Scene,
    x: number,
    y: number,
    private readonly onStep: () => void,
  ) {
    this.sprite = scene.physics.add.sprite(x, y, 'player', 9);
    this.sprite.setSize(10, 8).setOffset(3, 16).setCollideWorldBounds(true).setDepth(y);
    const kb = scene.input.keyboard;
    this.keys = kb
      ? (kb.addKeys({ up: 'UP', down: 'DOWN', left: 'LEFT', right: 'RIGHT', w: 'W', a: 'A', s: 'S', d: 'D' }, false) as Player['keys'])
      : null;
    for (const [i, dir] of DIRECTIONS.entries()) {
      if (scene.anims.exists(`walk-${dir}`)) continue;
      scene.anims.create({
        key: `walk-${dir}`,
        frames: scene.anims.generateFrameNumbers('player', { frames: [i * 3 + 1, i * 3, i * 3 + 2, i * 3] }),
        frameRate: 8,
        repeat: -1,
      });
    }
  }

  get x(): number {
    return this.sprite.x;
  }
  get y(): number {
    return this.sprite.y;
  }

  /** Walk towards a world point (tap to move); stops on arrival, when blocked, or on key input. */
  walkTo(x: number, y: number): void {
    this.target = new Phaser.Math.Vector2(x, y);
  }

  stop(): void {
    this.target = null;
    this.sprite.setVelocity(0, 0);
  }

  update(): void {
    const k = this.keys;
    let vx = 0;
    let vy = 0;
    if (k && !this.frozen) {
      if (k.left.isDown || k.a.isDown) vx -= 1;
      if (k.right.isDown || k.d.isDown) vx += 1;
      if (k.up.isDown || k.w.isDown) vy -= 1;
      if (k.down.isDown || k.s.isDown) vy += 1;
    }
    if (vx !== 0 || vy !== 0) {
      this.target = null;
    } else if (this.target) {
      const dx = this.target.x - this.sprite.x;
      const dy = this.target.y - this.sprite.y;
      const blocked = this.sprite.body.blocked;
      if (Math.hypot(dx, dy) < 3 || ((blocked.left || blocked.right) && (blocked.up || blocked.down))) {
        this.target = null;
      } else {
        vx = dx;
        vy = dy;
      }
    }
    const len = Math.hypot(vx, vy);
    if (len > 0) {
      this.sprite.setVelocity((vx / len) * SPEED, (vy / len) * SPEED);
      this.facing = Math.abs(vx) > Math.abs(vy) ? (vx < 0 ? 'left' : 'right') : vy < 0 ? 'up' : 'down';
      this.sprite.anims.play(`walk-${this.facing}`, true);
      const frame = this.sprite.anims.currentFrame?.index ?? 0;
      if (frame !== this.lastFrame && (frame === 1 || frame === 3)) this.onStep();
      this.lastFrame = frame;
    } else {
      this.sprite.setVelocity(0, 0);
      this.sprite.anims.stop();
      this.sprite.setFrame(DIRECTIONS.indexOf(this.facing) * 3);
      this.lastFrame = -1;
    }
    this.sprite.setDepth(this.sprite.y);
  }
}
